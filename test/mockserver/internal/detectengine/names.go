package detectengine

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// firstNames is the built-in list of given names. Names that are also common
// English words or places (Will, May, Grace, Austin, Jordan, ...) are left out
// on purpose so that ordinary capitalised words are not taken for names.
const firstNames = `
Aaron Abigail Adam Ahmed Aisha Alan Albert Alexander Alexis Alice Amanda Amber
Amelia Amy Andrea Andrew Angela Ann Anna Anne Anthony Arthur Ashley Ava Barbara Benjamin
Betty Beverly Bobby Bradley Brandon Brenda Brian Brittany Bruce Bryan Carl Carlos
Carol Carolyn Catherine Charles Charlotte Cheryl Chloe Christina Christine
Christopher Cynthia Daniel Danielle David Deborah Debra Denise Dennis Diana Diane
Donald Donna Dorothy Douglas Dylan Edward Elijah Elizabeth Ella Emily Emma Eric
Ethan Eugene Evelyn Fatima Frances Gabriel Gary George Gerald Gloria Gregory
Hannah Harold Heather Helen Henry Isabella Jacob Jacqueline James Janet Janice
Jane Jason Jeffrey Jennifer Jeremy Jerry Jessica Joan Johanna John Jonathan Jose
Joseph Joshua Joyce Juan Judith Judy Julia Julie Justin Karen Katherine Kathleen
Kathryn Kayla Keith Kelly Kenneth Kevin Kimberly Kyle Larry Laura Lauren Liam
Linda Lisa Lori Lucas Luis Madison Margaret Maria Marilyn Martha Mary Matthew
Megan Melissa Mia Michael Michelle Mohammed Nancy Natalie Nathan Nicholas Nicole
Noah Olivia Pamela Patricia Patrick Paul Peter Philip Priya Rachel Ralph Randy
Raymond Rebecca Richard Robert Roger Ronald Russell Ruth Ryan Samantha Samuel
Sandra Sara Sarah Scott Sean Sharon Shirley Sofia Sophia Stephanie Stephen Steven
Susan Teresa Theresa Thomas Timothy Tyler Victoria Vincent Walter Wei Wayne
William Zachary Zoe
`

// lastNames is the built-in list of family names. Surnames that are common
// English words (Brown, White, Green, King, Young, Hill, ...) are left out.
const lastNames = `
Adams Aguilar Alvarez Anderson Andrews Armstrong Bailey Baker Barnes Bennett
Bishop Boyd Bradley Brooks Bryant Burns Butler Campbell Carlson Carter Castillo
Castro Chavez Chen Clark Coleman Collins Cooper Crawford Cruz Cunningham Daniels
Davis Diaz Dixon Duncan Edwards Ellis Evans Ferguson Fernandez Fisher Flores
Foster Freeman Garcia Gibson Gomez Gonzalez Gordon Graham Gray Griffin Gutierrez
Hamilton Hansen Harris Harrison Hawkins Hayes Henderson Hernandez Herrera Hoffman
Holmes Howard Hughes Hunter Jackson James Jenkins Jimenez Johnson Johnston Jones
Kelly Kennedy Kim Kumar Larson Lee Lewis Li Liu Lopez Marshall Martin Martinez
Mason Matthews McDonald Medina Mendoza Meyer Miller Mitchell Moore Morales Moreno
Morgan Morris Murphy Murray Myers Nelson Nguyen O'Brien Olson Ortiz Owens Palmer
Parker Patel Patterson Perez Perry Peterson Phillips Powell Ramirez Ramos Reed
Reyes Reynolds Richardson Rivera Roberts Robertson Robinson Rodriguez Rogers
Romero Ross Ruiz Russell Sanchez Sanders Schmidt Scott Shaw Simmons Singh Smith
Snyder Spencer Stevens Stewart Sullivan Taylor Thomas Thompson Torres Tran Tucker
Turner Vasquez Wagner Walker Wallace Wang Ward Warren Washington Watson Webb Wells
Williams Wilson Wong Wright Zhang
`

// nameWord is one word of a candidate name.
type nameWord struct {
	s, e    int // byte span of the word (without a possessive 's)
	initial bool
	first   bool
	last    bool
}

// end is the byte end of the word as part of a name: an initial keeps its
// full stop.
func (w nameWord) end() int {
	if w.initial {
		return w.e + 1
	}
	return w.e
}

// findNames finds runs of capitalised words from the built-in lists,
// separated by single spaces, optionally with middle initials ("John Q.
// Smith"). A run of two or more listed words is a name; a single word is a
// name when it is a given name, or a family name after a title (Mr, Dr, ...)
// or an initial. When name_given / name_family are wanted the run is also
// split into its given part and its family part (the last word, when it is a
// listed family name).
func (e *Engine) findNames(text string, want typeSet, out []candidate) []candidate {
	var run []nameWord
	flush := func() {
		out = e.nameRun(text, run, want, out)
		run = run[:0]
	}
	for _, m := range e.re.word.FindAllStringIndex(text, -1) {
		w, ok := e.classifyWord(text, m[0], m[1])
		if !ok {
			flush()
			continue
		}
		if len(run) > 0 {
			prev := run[len(run)-1]
			gap := text[prev.e:w.s]
			if !(gap == " " || (prev.initial && gap == ". ")) {
				flush()
			}
		}
		run = append(run, w)
	}
	flush()
	return out
}

// classifyWord trims a possessive from the word at [s, e) and says whether
// it is a listed name or an initial.
func (e *Engine) classifyWord(text string, s, en int) (nameWord, bool) {
	word := text[s:en]
	for _, suffix := range []string{"'s", "’s"} {
		word = strings.TrimSuffix(word, suffix)
	}
	word = strings.TrimRight(word, "'’-")
	w := nameWord{s: s, e: s + len(word)}
	if r, size := utf8.DecodeRuneInString(word); size == len(word) && unicode.IsUpper(r) {
		w.initial = w.e < len(text) && text[w.e] == '.'
		return w, w.initial
	}
	parts := strings.Split(word, "-") // Smith-Jones: every part must be listed
	w.first, w.last = true, true
	for _, p := range parts {
		w.first = w.first && e.first[p]
		w.last = w.last && e.last[p]
	}
	return w, w.first || w.last
}

// nameRun turns one run of name words into candidates.
func (e *Engine) nameRun(text string, run []nameWord, want typeSet, out []candidate) []candidate {
	for len(run) > 0 && run[len(run)-1].initial {
		run = run[:len(run)-1]
	}
	if len(run) == 0 {
		return out
	}
	names, initials := 0, 0
	for _, w := range run {
		if w.initial {
			initials++
		} else {
			names++
		}
	}
	lastW := run[len(run)-1]
	var score float64
	family := false
	switch {
	case names >= 2:
		score, family = 0.9, lastW.last
	case lastW.first && initials == 0:
		score = 0.7
	case lastW.last && (initials > 0 || e.re.title.MatchString(text[max(0, run[0].s-6):run[0].s])):
		score, family = 0.8, true
	default:
		return out
	}
	partScore := math.Round((score-0.05)*100) / 100 // a part is a little less sure than the whole
	s, en := run[0].s, lastW.end()
	if want.has(TypeName) {
		out = add(out, TypeName, s, en, score)
	}
	given := run
	if family {
		if want.has(TypeNameFamily) {
			out = add(out, TypeNameFamily, lastW.s, lastW.e, partScore)
		}
		given = run[:len(run)-1]
	}
	if len(given) > 0 && want.has(TypeNameGiven) {
		firstListed := false
		for _, w := range given {
			if !w.initial {
				firstListed = w.first
				break
			}
		}
		if firstListed {
			out = add(out, TypeNameGiven, given[0].s, given[len(given)-1].end(), partScore)
		}
	}
	return out
}
