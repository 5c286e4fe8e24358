// Package readme_test keeps the repository's documentation honest: README.md
// and every Markdown file of docs/. Every Go code block in them must compile
// against the current SDK, every relative link must lead to a file of the
// repository (and, with a #fragment into a Markdown file, to one of its
// headings), every in-page link must name a heading, and the README must
// open with the set-up commands and stay short.
//
// A Go block that starts with a package clause is compiled as the only file
// of a package of its own. Any other block is a snippet: it becomes the body
// of a function in which these variables are in scope
//
//	ctx    context.Context
//	client *facade.Client
//	vault  *facade.Vault
//	detect *facade.Detect
//	conn   *facade.Connection
//
// (a snippet may redeclare them with :=) and in whose file these packages
// are imported: context, errors, fmt, io, iter, log, log/slog, net/http, os,
// strings, time, and the SDK's skyflow, auth and facade.
//
// The blocks are compiled with one `go build -overlay` of synthetic packages
// placed (virtually) in this module, so imports resolve exactly as they do
// for the module's own code, the emulator included. A //line directive in
// front of each block makes the compiler report errors at their line in
// the Markdown file.
package readme_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// root is the repository root, relative to this package.
const root = "../.."

// maxReadmeLines is the length the README must stay within: what a
// newcomer reads in a few minutes. The long guide lives in docs/.
const maxReadmeLines = 300

// docFiles lists the checked Markdown files, relative to the repository
// root: README.md, then docs/*.md.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(more) == 0 {
		t.Fatal("docs/ holds no Markdown file")
	}
	for _, f := range more {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// block is one fenced code block of a Markdown file.
type block struct {
	lang string
	line int // line of the block's first line of code (1-based)
	code string
}

func readBlocks(t *testing.T, name string) []block {
	t.Helper()
	f, err := os.Open(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks []block
		cur    *block
		lines  []string
		n      int
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		n++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &block{lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```")), line: n + 1}
			lines = nil
		case cur != nil && trimmed == "```":
			cur.code = strings.Join(lines, "\n") + "\n"
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			lines = append(lines, text)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: code block is not closed", name, cur.line-1)
	}
	return blocks
}

var packageClause = regexp.MustCompile(`(?m)^package [A-Za-z_][A-Za-z0-9_]*\s*$`)

// isFile reports whether a block is a complete Go file: its first line that
// is not blank or a comment is a package clause.
func isFile(code string) bool {
	for _, l := range strings.Split(code, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		return packageClause.MatchString(l)
	}
	return false
}

// snippetHeader opens the file a snippet is compiled in.
const snippetHeader = `package %s

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/skyflowgo/skyflow"
	"github.com/skyflowgo/skyflow/auth"
	"github.com/skyflowgo/skyflow/facade"
)

var (
	_ = context.Background
	_ = errors.New
	_ = fmt.Sprint
	_ = io.EOF
	_ = iter.Pull[int]
	_ = log.Fatal
	_ = slog.New
	_ = http.MethodGet
	_ = os.Getenv
	_ = strings.Contains
	_ = time.Second
	_ = auth.IsExpired
	_ = facade.New
	_ = skyflow.ErrNotFound
)

func snippet(ctx context.Context, client *facade.Client, vault *facade.Vault, detect *facade.Detect, conn *facade.Connection) {
	{
`

// TestGoBlocksCompile compiles every Go block of every checked file.
func TestGoBlocksCompile(t *testing.T) {
	modDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	overlay := map[string]string{}
	var pkgs []string
	where := map[string]string{} // package name -> file:line
	perFile := map[string]int{}
	for _, name := range docFiles(t) {
		abs, err := filepath.Abs(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range readBlocks(t, name) {
			if b.lang != "go" {
				continue
			}
			pkg := fmt.Sprintf("b%03d", len(pkgs))
			var src strings.Builder
			if isFile(b.code) {
				fmt.Fprintf(&src, "//line %s:%d\n%s", abs, b.line, b.code)
			} else {
				fmt.Fprintf(&src, snippetHeader, pkg)
				fmt.Fprintf(&src, "//line %s:%d\n%s\t}\n}\n", abs, b.line, b.code)
			}
			real := filepath.Join(tmp, pkg+".go")
			if err := os.WriteFile(real, []byte(src.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			virtual := filepath.Join(modDir, "readme", "zz_readme_blocks", pkg, "block.go")
			overlay[virtual] = real
			pkgs = append(pkgs, "./readme/zz_readme_blocks/"+pkg)
			where[pkg] = fmt.Sprintf("%s:%d", name, b.line)
			perFile[name]++
		}
	}
	if perFile["README.md"] < 3 {
		t.Fatalf("found only %d Go blocks in README.md", perFile["README.md"])
	}
	if len(pkgs) < 20 {
		t.Fatalf("found only %d Go blocks in README.md and docs/", len(pkgs))
	}
	ov, err := json.Marshal(map[string]any{"Replace": overlay})
	if err != nil {
		t.Fatal(err)
	}
	ovPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o600); err != nil {
		t.Fatal(err)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to compile the documentation's blocks: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), goCmd, append([]string{"build", "-overlay", ovPath, "-gcflags=-e"}, pkgs...)...)
	cmd.Dir = modDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		// Errors point into the Markdown files through the //line
		// directives; name the block of each package that failed as well.
		var failed []string
		for _, m := range regexp.MustCompile(`zz_readme_blocks/(b\d+)`).FindAllStringSubmatch(out.String(), -1) {
			failed = append(failed, where[m[1]])
		}
		t.Fatalf("Go blocks do not compile (blocks starting at %s):\n%s", strings.Join(unique(failed), ", "), out.String())
	}
	t.Logf("%d Go blocks compiled: %v", len(pkgs), perFile)
}

func unique(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// TestStartsWithSetupCommands checks that the first code block of the
// README is the two set-up commands, make demo then make test.
func TestStartsWithSetupCommands(t *testing.T) {
	blocks := readBlocks(t, "README.md")
	if len(blocks) == 0 {
		t.Fatal("README.md has no code block")
	}
	first := blocks[0]
	var cmds []string
	for _, l := range strings.Split(first.code, "\n") {
		if f := strings.Fields(l); len(f) >= 2 {
			cmds = append(cmds, f[0]+" "+f[1])
		}
	}
	if len(cmds) < 2 || cmds[0] != "make demo" || cmds[1] != "make test" {
		t.Errorf("README.md:%d: the first code block must run `make demo` then `make test`, got %q", first.line, cmds)
	}
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing but the title may come before it.
	before := strings.TrimSpace(string(data[:bytes.Index(data, []byte("```"))]))
	if strings.Count(before, "\n") > 1 {
		t.Errorf("README.md: only the title may precede the set-up commands, found:\n%s", before)
	}
}

// TestReadmeIsShort keeps the README within what a newcomer reads in a few
// minutes; the rest belongs in docs/.
func TestReadmeIsShort(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte("\n")); n > maxReadmeLines {
		t.Errorf("README.md has %d lines, more than %d: move the detail to docs/", n, maxReadmeLines)
	}
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)#\s]*)(#[^)\s]*)?\)`)
	mdHeading = regexp.MustCompile(`^#{1,6} +(.+?) *$`)
	slugDrop  = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
	// inlineCode is a code span, whose text is not a link.
	inlineCode = regexp.MustCompile("`[^`]*`")
)

// slug is the anchor GitHub gives a heading.
func slug(heading string) string {
	s := strings.ToLower(slugDrop.ReplaceAllString(heading, ""))
	return strings.ReplaceAll(s, " ", "-")
}

// anchors returns the anchors of a Markdown file's headings (outside code
// blocks), with GitHub's -1, -2 ... suffixes for repeated headings.
func anchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	seen := map[string]int{}
	inCode := false
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			inCode = !inCode
			continue
		}
		if m := mdHeading.FindStringSubmatch(l); m != nil && !inCode {
			s := slug(m[1])
			if n := seen[s]; n > 0 {
				out[fmt.Sprintf("%s-%d", s, n)] = true
			} else {
				out[s] = true
			}
			seen[s]++
		}
	}
	return out
}

// TestLinks checks every link of every checked file: a relative link leads
// to a file or directory of the repository, a #fragment names a heading of
// the page it points to (the same page, or another Markdown file).
func TestLinks(t *testing.T) {
	for _, name := range docFiles(t) {
		path := filepath.Join(root, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		own := anchors(t, path)
		inCode := false
		links := 0
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inCode = !inCode
				continue
			}
			if inCode {
				continue
			}
			for _, m := range mdLink.FindAllStringSubmatch(inlineCode.ReplaceAllString(line, ""), -1) {
				target, frag := m[1], strings.TrimPrefix(m[2], "#")
				links++
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				if target == "" {
					if !own[frag] {
						t.Errorf("%s:%d: link to #%s: no such heading", name, i+1, frag)
					}
					continue
				}
				dest := filepath.Join(filepath.Dir(path), filepath.FromSlash(target))
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s:%d: link to %s: no such file or directory", name, i+1, target)
					continue
				}
				if frag != "" && strings.HasSuffix(target, ".md") && !anchors(t, dest)[frag] {
					t.Errorf("%s:%d: link to %s#%s: no such heading there", name, i+1, target, frag)
				}
			}
		}
		if links == 0 && name == "README.md" {
			t.Errorf("%s: no link found; is the link pattern still right?", name)
		}
	}
}

// TestDocsAreListed checks that the README links every file of docs/, so no
// page is orphaned.
func TestDocsAreListed(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var linked []string
	for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
		linked = append(linked, m[1])
	}
	for _, name := range docFiles(t)[1:] {
		if !slices.Contains(linked, name) {
			t.Errorf("README.md does not link %s", name)
		}
	}
}
