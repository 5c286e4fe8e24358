package detectengine

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// pdf reads the text of a simple PDF, de-identifies it and returns a new PDF
// carrying the processed text.
func (fp *fileProcessor) pdf(data []byte) (FileOutput, error) {
	fp.res.Pages = len(regexp.MustCompile(`/Type\s*/Page\b`).FindAllIndex(data, -1))
	text := strings.TrimSpace(pdfText(data))
	var lines []string
	if text != "" {
		processed, err := fp.text(text, "")
		if err != nil {
			return FileOutput{}, err
		}
		lines = strings.Split(processed, "\n")
	} else {
		lines = []string{
			"Skyflow emulator: the text layer of this PDF could not be read.",
			fmt.Sprintf("Entities found: %d", len(fp.res.Entities)),
		}
	}
	return FileOutput{Data: writePDF(lines), Type: OutputRedactedFile, Extension: "pdf"}, nil
}

// pdfText pulls the text shown by the uncompressed content streams of a PDF
// (streams without a /Filter). Each stream is read on its own, one line per
// text line.
func pdfText(data []byte) string {
	var b strings.Builder
	pos := 0
	for {
		i := bytes.Index(data[pos:], []byte("stream"))
		if i < 0 {
			break
		}
		i += pos
		if i >= 3 && string(data[i-3:i]) == "end" {
			pos = i + len("stream")
			continue
		}
		start := i + len("stream")
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		end := bytes.Index(data[start:], []byte("endstream"))
		if end < 0 {
			break
		}
		content := data[start : start+end]
		pos = start + end + len("endstream")
		dict := data[max(bytes.LastIndex(data[:i], []byte("obj")), 0):i]
		if bytes.Contains(dict, []byte("/Filter")) {
			continue
		}
		if t := contentText(content); t != "" {
			b.WriteString(t)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// isPDFDelim reports the PDF delimiter characters.
func isPDFDelim(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }

// isPDFSpace reports the PDF white-space characters.
func isPDFSpace(c byte) bool { return strings.IndexByte("\x00\t\n\f\r ", c) >= 0 }

// contentText interprets the text operators of one content stream: Tj, TJ
// (a kerning of -200 or less counts as a space), ' and " show strings; T*,
// TD/Td with a vertical move, Tm and ET end a line.
func contentText(c []byte) string {
	var lines []string
	var line strings.Builder
	var pending []string // string operands since the last operator
	var nums []float64   // number operands since the last operator
	inArray := false
	var arr strings.Builder
	newline := func() {
		if s := strings.TrimSpace(line.String()); s != "" {
			lines = append(lines, s)
		}
		line.Reset()
	}
	str := func(s string) {
		if inArray {
			arr.WriteString(s)
		} else {
			pending = append(pending, s)
		}
	}
	for i := 0; i < len(c); {
		ch := c[i]
		switch {
		case isPDFSpace(ch):
			i++
		case ch == '%':
			for i < len(c) && c[i] != '\n' && c[i] != '\r' {
				i++
			}
		case ch == '(':
			s, n := pdfLiteral(c[i:])
			str(s)
			i += n
		case ch == '<' && i+1 < len(c) && c[i+1] == '<', ch == '>' && i+1 < len(c) && c[i+1] == '>':
			i += 2
		case ch == '<':
			s, n := pdfHex(c[i:])
			str(s)
			i += n
		case ch == '[':
			inArray = true
			arr.Reset()
			i++
		case ch == ']':
			inArray = false
			pending = append(pending, arr.String())
			i++
		default:
			j := i + 1
			for j < len(c) && !isPDFSpace(c[j]) && !isPDFDelim(c[j]) {
				j++
			}
			tok := string(c[i:j])
			i = j
			if f, err := strconv.ParseFloat(tok, 64); err == nil {
				if inArray {
					if f <= -200 {
						arr.WriteByte(' ')
					}
				} else {
					nums = append(nums, f)
				}
				continue
			}
			if tok[0] == '/' || inArray {
				continue
			}
			switch tok {
			case "Tj", "TJ":
				line.WriteString(strings.Join(pending, ""))
			case "'", `"`:
				newline()
				if len(pending) > 0 {
					line.WriteString(pending[len(pending)-1])
				}
			case "Td", "TD":
				if len(nums) >= 2 && nums[len(nums)-1] == 0 {
					line.WriteByte(' ')
				} else {
					newline()
				}
			case "T*", "Tm", "ET":
				newline()
			}
			pending, nums = nil, nil
		}
	}
	newline()
	return strings.Join(lines, "\n")
}

// pdfLiteral reads a literal string starting at c[0] == '(' and returns its
// text and the number of bytes read.
func pdfLiteral(c []byte) (string, int) {
	var b []byte
	depth := 0
	i := 0
	for i < len(c) {
		ch := c[i]
		switch {
		case ch == '(':
			depth++
			if depth > 1 {
				b = append(b, ch)
			}
			i++
		case ch == ')':
			depth--
			i++
			if depth == 0 {
				return pdfDecode(b), i
			}
			b = append(b, ch)
		case ch == '\\' && i+1 < len(c):
			i++
			e := c[i]
			switch e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case '\r', '\n': // line continuation
				if e == '\r' && i+1 < len(c) && c[i+1] == '\n' {
					i++
				}
			default:
				if e >= '0' && e <= '7' {
					v, n := 0, 0
					for n < 3 && i < len(c) && c[i] >= '0' && c[i] <= '7' {
						v = v*8 + int(c[i]-'0')
						i++
						n++
					}
					b = append(b, byte(v))
					continue
				}
				b = append(b, e)
			}
			i++
		default:
			b = append(b, ch)
			i++
		}
	}
	return pdfDecode(b), i
}

// pdfHex reads a hex string starting at c[0] == '<'.
func pdfHex(c []byte) (string, int) {
	var b []byte
	var digits []byte
	i := 1
	for ; i < len(c) && c[i] != '>'; i++ {
		if isHex(c[i]) {
			digits = append(digits, c[i])
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	for k := 0; k < len(digits); k += 2 {
		v, _ := strconv.ParseUint(string(digits[k:k+2]), 16, 8)
		b = append(b, byte(v))
	}
	return pdfDecode(b), min(i+1, len(c))
}

// isHex reports hexadecimal digits.
func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// pdfDecode turns PDF string bytes into text: UTF-16BE with a byte order
// mark, else one rune per byte (PDFDocEncoding is close to Latin-1).
func pdfDecode(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// pdfEscape writes text as the inside of a PDF literal string in
// WinAnsiEncoding; runes it cannot hold become '?'.
func pdfEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7F:
			b.WriteRune(r)
		case r >= 0xA0 && r <= 0xFF:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// writePDF builds a minimal valid PDF 1.4 showing lines in Helvetica, 50
// lines a page, lines longer than 95 runes wrapped.
func writePDF(lines []string) []byte {
	var wrapped []string
	for _, l := range lines {
		r := []rune(strings.TrimRight(l, "\r"))
		for len(r) > 95 {
			wrapped = append(wrapped, string(r[:95]))
			r = r[95:]
		}
		wrapped = append(wrapped, string(r))
	}
	var pages [][]string
	for len(wrapped) > 50 {
		pages = append(pages, wrapped[:50])
		wrapped = wrapped[50:]
	}
	pages = append(pages, wrapped)

	// Objects: 1 catalog, 2 page tree, 3 font, then a page and its content
	// stream per page.
	objs := make([]string, 3+2*len(pages))
	objs[0] = "<< /Type /Catalog /Pages 2 0 R >>"
	objs[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
	var kids []string
	for p, pl := range pages {
		pageNum, contentNum := 4+2*p, 5+2*p
		kids = append(kids, fmt.Sprintf("%d 0 R", pageNum))
		objs[pageNum-1] = fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", contentNum)
		var cs strings.Builder
		cs.WriteString("BT\n/F1 11 Tf\n14 TL\n50 750 Td\n")
		for i, l := range pl {
			if i > 0 {
				cs.WriteString("T*\n")
			}
			cs.WriteString("(" + pdfEscape(l) + ") Tj\n")
		}
		cs.WriteString("ET")
		objs[contentNum-1] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", cs.Len(), cs.String())
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF", len(objs)+1, xref)
	return out.Bytes()
}
