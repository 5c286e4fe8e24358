package install_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

const (
	emulatorModule = "github.com/skyflowgo/skyflow/test/mockserver"
	// tag is the version the specs publish the working tree under, as if
	// the repository were tagged test/mockserver/v0.99.0.
	tag = "v0.99.0"
)

// goCmd runs the go command in dir with env added to a cleaned environment
// and returns its standard output.
func goCmd(dir string, env []string, args ...string) string {
	GinkgoHelper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	Expect(cmd.Run()).To(Succeed(), "go %s in %s:\n%s", strings.Join(args, " "), dir, stderr.String())
	return stdout.String()
}

// buildProxy makes a file-system module proxy holding the emulator module
// at tag, made from the working tree, and a copy of every third-party
// module file it needs, taken from the module cache (downloaded first if
// the cache lacks them). Nothing else is needed to install it.
func buildProxy(moduleDir string) string {
	GinkgoHelper()
	proxy := GinkgoT().TempDir()
	env := []string{"GOWORK=off", "GOFLAGS=-mod=mod"}

	// Our module, as the proxy serves a tagged version.
	dir := filepath.Join(proxy, emulatorModule, "@v")
	Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	var zipBuf bytes.Buffer
	Expect(modzip.CreateFromDir(&zipBuf, module.Version{Path: emulatorModule, Version: tag}, moduleDir)).To(Succeed())
	Expect(os.WriteFile(filepath.Join(dir, tag+".zip"), zipBuf.Bytes(), 0o644)).To(Succeed())
	gomod, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, tag+".mod"), gomod, 0o644)).To(Succeed())
	info, _ := json.Marshal(map[string]string{"Version": tag, "Time": "2026-12-01T00:00:00Z"})
	Expect(os.WriteFile(filepath.Join(dir, tag+".info"), info, 0o644)).To(Succeed())
	Expect(os.WriteFile(filepath.Join(dir, "list"), []byte(tag+"\n"), 0o644)).To(Succeed())

	// Third-party modules: the go.mod of every module of the graph, and the
	// zip of every module a package of the emulator is built from. The go
	// commands run on a copy (the module as published) so that they
	// cannot touch the working tree's go.sum.
	moduleDir = GinkgoT().TempDir()
	Expect(modzip.Unzip(moduleDir, module.Version{Path: emulatorModule, Version: tag}, filepath.Join(dir, tag+".zip"))).To(Succeed())
	cache := filepath.Join(strings.TrimSpace(goCmd(moduleDir, env, "env", "GOMODCACHE")), "cache", "download")
	needZip := strings.Fields(goCmd(moduleDir, env, "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}}{{end}}{{end}}", "./..."))
	if len(needZip) > 0 {
		goCmd(moduleDir, env, append([]string{"mod", "download"}, needZip...)...)
	}
	// Every module version of the graph (go mod graph), not only the
	// selected ones: go needs their go.mod files to compute the build list.
	versions := map[string]bool{}
	for _, field := range strings.Fields(goCmd(moduleDir, env, "mod", "graph")) {
		if path, _, ok := strings.Cut(field, "@"); ok && path != "go" && path != "toolchain" {
			versions[field] = true
		}
	}
	Expect(strings.TrimSpace(goCmd(moduleDir, env, "list", "-m", "-f", "{{if .Replace}}{{.Path}}{{end}}", "all"))).To(BeEmpty(),
		"the emulator's go.mod must not replace modules")
	copied := 0
	for mv := range versions {
		path, version, _ := strings.Cut(mv, "@")
		esc, err := module.EscapePath(path)
		Expect(err).NotTo(HaveOccurred())
		from, to := filepath.Join(cache, esc, "@v"), filepath.Join(proxy, esc, "@v")
		exts := []string{".mod", ".info"}
		if slices.Contains(needZip, mv) {
			exts = append(exts, ".zip")
		}
		if _, err := os.Stat(filepath.Join(from, version+".mod")); os.IsNotExist(err) {
			continue // pruned from the graph: go never reads it
		}
		Expect(os.MkdirAll(to, 0o755)).To(Succeed())
		for _, ext := range exts {
			data, err := os.ReadFile(filepath.Join(from, version+ext))
			if ext == ".info" && os.IsNotExist(err) {
				data, _ = json.Marshal(map[string]string{"Version": version})
				err = nil
			}
			Expect(err).NotTo(HaveOccurred(), "%s%s is not in the module cache", mv, ext)
			Expect(os.WriteFile(filepath.Join(to, version+ext), data, 0o644)).To(Succeed())
		}
		copied++
	}
	Expect(copied).To(BeNumerically(">", 3))
	return proxy
}

var _ = Describe("The emulator module, once tagged", Ordered, func() {
	var (
		moduleDir string
		offline   []string // the environment of a go command that can only use the local proxy
	)
	BeforeAll(func() {
		var err error
		moduleDir, err = filepath.Abs(filepath.Join("..", "mockserver"))
		Expect(err).NotTo(HaveOccurred())
		proxy := buildProxy(moduleDir)
		modcache, err := os.MkdirTemp("", "skyflow-install-modcache-*")
		Expect(err).NotTo(HaveOccurred())
		offline = []string{
			"GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOSUMDB=off", "GONOSUMDB=", "GOPRIVATE=",
			"GOPROXY=file://" + filepath.ToSlash(proxy), "GOMODCACHE=" + modcache,
			// Anything that tried the network would fail.
			"HTTP_PROXY=http://127.0.0.1:1", "HTTPS_PROXY=http://127.0.0.1:1", "NO_PROXY=",
		}
		DeferCleanup(func() {
			// Module cache files are read-only; make them removable.
			cmd := exec.Command("go", "clean", "-modcache")
			cmd.Env = append(os.Environ(), "GOMODCACHE="+modcache)
			_ = cmd.Run()
			_ = os.RemoveAll(modcache)
		})
	})

	It("names neither the SDK module nor a test framework in its module graph", func() {
		graph := goCmd(moduleDir, []string{"GOWORK=off"}, "list", "-m", "all")
		for _, line := range strings.Split(strings.TrimSpace(graph), "\n") {
			path := strings.Fields(line)[0]
			Expect(path).NotTo(Equal("github.com/skyflowgo/skyflow"))
			Expect(path).NotTo(ContainSubstring("onsi/ginkgo"))
			Expect(path).NotTo(ContainSubstring("onsi/gomega"))
		}
	})

	It("installs skyflow-mock with go install …/cmd/skyflow-mock@tag, and the command runs", func() {
		bin := GinkgoT().TempDir()
		goCmd(GinkgoT().TempDir(), append(offline, "GOBIN="+bin), "install", emulatorModule+"/cmd/skyflow-mock@"+tag)
		exe := filepath.Join(bin, "skyflow-mock")
		Expect(exe).To(BeAnExistingFile())

		cmd := exec.Command(exe, "-addr", "127.0.0.1:0")
		out, err := cmd.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(cmd.Start()).To(Succeed())
		DeferCleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		lines := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(out).ReadString('\n')
			lines <- line
		}()
		var line string
		Eventually(lines).WithTimeout(30 * time.Second).Should(Receive(&line))
		Expect(line).To(ContainSubstring(`"vault_id":"a3e8b1f2c4d5e6f7a8b9c0d1e2f3a4b5"`))
	})

	It("is added to another module with go get, which then builds without the SDK or a test framework", func() {
		consumer := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(consumer, "go.mod"), []byte("module example.com/consumer\n\ngo 1.25.0\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(consumer, "main.go"), []byte(`package main

import (
	"fmt"

	"github.com/skyflowgo/skyflow/test/mockserver"
)

func main() {
	srv, err := mockserver.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	fmt.Println(srv.VaultID())
}
`), 0o644)).To(Succeed())
		goCmd(consumer, offline, "get", emulatorModule+"@"+tag)
		goCmd(consumer, offline, "build", "-o", filepath.Join(consumer, "consumer"), ".")
		Expect(filepath.Join(consumer, "consumer")).To(BeAnExistingFile())
		graph := goCmd(consumer, offline, "list", "-m", "all")
		Expect(graph).To(ContainSubstring(emulatorModule + " " + tag))
		for _, line := range strings.Split(strings.TrimSpace(graph), "\n") {
			path := strings.Fields(line)[0]
			Expect(path).NotTo(Equal("github.com/skyflowgo/skyflow"))
			Expect(path).NotTo(ContainSubstring("onsi/"))
		}
	})
})
