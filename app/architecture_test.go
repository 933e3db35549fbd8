package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/reverse-mentor/reverse-mentor"

// goPackage is what `go list -json` says of one package.
type goPackage struct {
	ImportPath string
	Dir        string
	Imports    []string
	Deps       []string
	GoFiles    []string
}

// listPackages runs go list over the whole module.
func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	if testing.Short() {
		t.Skip("go list over the module is skipped in -short mode")
	}
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	return pkgs
}

// TestArchitecture_ImportRules keeps the layering README.md describes true: the domain knows no
// adapter, the scheduler no delivery, the bot no SQL, and the demo reaches the app only
// through the assembly and the fake Slack.
func TestArchitecture_ImportRules(t *testing.T) {
	pkgs := listPackages(t)
	external := func(path string) bool { return !strings.HasPrefix(path, module) }
	stdlib := func(path string) bool { return !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") }
	rules := []struct {
		pkg string
		// transitive: check every dependency, not only the direct imports.
		transitive bool
		allowed    func(string) bool
		why        string
	}{
		{"mentoring", true, func(p string) bool {
			return stdlib(p) || p == module+"/match" || strings.HasPrefix(p, "golang.org/x/text")
		}, "the domain imports only match, the standard library and x/text"},
		{"match", true, stdlib, "match is pure computation on the standard library"},
		{"scheduler", true, func(p string) bool {
			return stdlib(p) || p == module+"/mentoring" || p == module+"/match" ||
				strings.HasPrefix(p, "golang.org/x/text") || p == "github.com/robfig/cron/v3"
		}, "the scheduler knows ticks and slots: no store, no Slack, no delivery"},
		{"outbox", true, func(p string) bool {
			return p != module+"/bot" && p != module+"/store"
		}, "delivery declares what it needs of the store and the renderer"},
		{"bot", true, func(p string) bool {
			return p != module+"/store" && p != module+"/scheduler" && p != module+"/outbox" && p != "modernc.org/sqlite"
		}, "the Slack surface knows the domain, not SQL, ticks or delivery"},
		{"store", true, func(p string) bool {
			return p != module+"/bot" && p != module+"/outbox" && p != module+"/scheduler" && !strings.HasPrefix(p, "github.com/slack-go")
		}, "the store knows SQL and the domain's types, not Slack"},
		{"demo", false, func(p string) bool {
			return p != module+"/store" && p != module+"/scheduler" && p != module+"/outbox" && p != module+"/bot"
		}, "the demo drives people through the fake Slack against the assembled app"},
		{"slackfake", true, func(p string) bool { return external(p) || p == module+"/slackfake" }, "the fake plays Slack and knows nothing of the product"},
		{"chart", true, external, "charts draw numbers and labels, knowing nothing of the product"},
	}
	for _, r := range rules {
		p, ok := pkgs[r.pkg]
		if !ok {
			t.Errorf("package %s not found", r.pkg)
			continue
		}
		deps := p.Imports
		if r.transitive {
			deps = p.Deps
		}
		for _, d := range deps {
			if !r.allowed(d) {
				t.Errorf("%s depends on %s: %s", r.pkg, d, r.why)
			}
		}
	}
}

// maxFileLines bounds a non-test Go file: beyond it a file holds more than one thing.
const maxFileLines = 600

// TestArchitecture_FileSize keeps every non-test Go file under maxFileLines lines.
func TestArchitecture_FileSize(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, f := range p.GoFiles {
			path := filepath.Join(p.Dir, f)
			n := countLines(t, path)
			if n > maxFileLines {
				t.Errorf("%s has %d lines; split it (at most %d)", path, n, maxFileLines)
			}
		}
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
	}
	return n
}
