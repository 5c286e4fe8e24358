// Package readme_test keeps the repository's README.md honest: every Go code
// block in it must compile against the current SDK, the README must open
// with the set-up commands, and its relative links must lead somewhere.
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
// are imported: context, errors, fmt, io, log, log/slog, net/http, os,
// strings, time, and the SDK's auth and facade.
//
// The blocks are compiled with one `go build -overlay` of synthetic packages
// placed (virtually) in this module, so imports resolve exactly as they do
// for the module's own code, the emulator included. A //line directive in
// front of each block makes the compiler report errors at their line in
// README.md.
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
	"strings"
	"testing"
)

const readmePath = "../../README.md"

// block is one fenced code block of the README.
type block struct {
	lang string
	line int // line of the block's first line of code (1-based)
	code string
}

func readBlocks(t *testing.T) []block {
	t.Helper()
	f, err := os.Open(readmePath)
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
		t.Fatalf("README.md:%d: code block is not closed", cur.line-1)
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

// TestGoBlocksCompile compiles every Go block of the README.
func TestGoBlocksCompile(t *testing.T) {
	blocks := readBlocks(t)
	modDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := filepath.Abs(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	overlay := map[string]string{}
	var pkgs []string
	where := map[string]int{} // package dir -> README line
	for i, b := range blocks {
		if b.lang != "go" {
			continue
		}
		name := fmt.Sprintf("b%03d", i)
		var src strings.Builder
		if isFile(b.code) {
			fmt.Fprintf(&src, "//line %s:%d\n%s", readme, b.line, b.code)
		} else {
			fmt.Fprintf(&src, snippetHeader, name)
			fmt.Fprintf(&src, "//line %s:%d\n%s\t}\n}\n", readme, b.line, b.code)
		}
		real := filepath.Join(tmp, name+".go")
		if err := os.WriteFile(real, []byte(src.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		virtual := filepath.Join(modDir, "readme", "zz_readme_blocks", name, "block.go")
		overlay[virtual] = real
		pkgs = append(pkgs, "./readme/zz_readme_blocks/"+name)
		where[name] = b.line
	}
	if len(pkgs) < 10 {
		t.Fatalf("found only %d Go blocks in README.md", len(pkgs))
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
		t.Fatalf("the go command is needed to compile the README's blocks: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), goCmd, append([]string{"build", "-overlay", ovPath, "-gcflags=-e"}, pkgs...)...)
	cmd.Dir = modDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		// Errors point into README.md through the //line directives; name
		// the block of each package that failed as well.
		var failed []string
		for _, m := range regexp.MustCompile(`zz_readme_blocks/(b\d+)`).FindAllStringSubmatch(out.String(), -1) {
			failed = append(failed, fmt.Sprintf("README.md:%d", where[m[1]]))
		}
		t.Fatalf("Go blocks of README.md do not compile (blocks starting at %s):\n%s", strings.Join(unique(failed), ", "), out.String())
	}
	t.Logf("%d Go blocks compiled", len(pkgs))
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
	blocks := readBlocks(t)
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
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing but the title may come before it.
	before := strings.TrimSpace(string(data[:bytes.Index(data, []byte("```"))]))
	if strings.Count(before, "\n") > 1 {
		t.Errorf("README.md: only the title may precede the set-up commands, found:\n%s", before)
	}
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	mdAnchor  = regexp.MustCompile(`\]\(#([^)\s]+)\)`)
	mdHeading = regexp.MustCompile(`^#{1,6} +(.+?) *$`)
	slugDrop  = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
)

// slug is the anchor GitHub gives a heading.
func slug(heading string) string {
	s := strings.ToLower(slugDrop.ReplaceAllString(heading, ""))
	return strings.ReplaceAll(s, " ", "-")
}

// TestAnchors checks that every in-page link of the README names a heading.
func TestAnchors(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	anchors := map[string]bool{}
	inCode := false
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			inCode = !inCode
		}
		if m := mdHeading.FindStringSubmatch(l); m != nil && !inCode {
			anchors[slug(m[1])] = true
		}
	}
	for i, l := range lines {
		for _, m := range mdAnchor.FindAllStringSubmatch(l, -1) {
			if !anchors[m[1]] {
				t.Errorf("README.md:%d: link to #%s: no such heading", i+1, m[1])
			}
		}
	}
}

// TestRelativeLinks checks that every relative link of the README leads to
// a file or directory of the repository.
func TestRelativeLinks(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(readmePath)
	for i, line := range strings.Split(string(data), "\n") {
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(target))); err != nil {
				t.Errorf("README.md:%d: link to %s: no such file or directory", i+1, target)
			}
		}
	}
}
