package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// importFile writes content to a CSV file and runs import-org on it, without Slack.
func importFile(t *testing.T, content string) (int, string, string) {
	t.Helper()
	clearEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "org.csv")
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REVERSE_MENTOR_DATABASE_PATH", filepath.Join(dir, "rm.db"))
	return runCmd(t, context.Background(), "import-org", "--dry-run", file)
}

func TestImportOrg_FilesAsSpreadsheetsWriteThem(t *testing.T) {
	for name, content := range map[string]string{
		"BOM before a quoted header": "\uFEFF\"user\",\"department\",\"manager\"\r\n\"UA0000001\",\"営業部\",\"\"\r\n\"UB0000001\",\"営業部\",\"UA0000001\"\r\n",
		"BOM before a bare header":   "\uFEFFuser,department,manager\nUA0000001,営業部,\nUB0000001,営業部,UA0000001\n",
		"quoted, no header":          "\"UA0000001\",\"営業部\",\"\"\n\"UB0000001\",\"営業部\",\"UA0000001\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := importFile(t, content)
			if code != exitOK || !strings.Contains(out, "2 people, 1 departments, 1 managers") {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}

func TestImportOrg_LimitsComeWithAClearMessage(t *testing.T) {
	rows := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "U%08d,Dept,\n", i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, content, want string
	}{
		{"file too large", strings.Repeat("x", maxOrgFileBytes+1), "import-org reads files of up to 10 MiB"},
		{"too many rows", rows(maxOrgRows + 2), "more than 100000 rows"},
		{"field too long", "UA0000001," + strings.Repeat("部", maxOrgField+1) + ",\n", "line 1, column 2: 257 characters long; a field may have at most 256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := importFile(t, tc.content)
			if code != exitFailed || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %q", code, errOut, tc.want)
			}
		})
	}
}

func TestImportOrg_EchoedValuesCarryNoEscapes(t *testing.T) {
	// A cell that would recolour the operator's terminal, hide text or reverse it.
	code, _, errOut := importFile(t, "UA0000001,Dept,\nbad\x1b[31mred\x1b[0m\u202ex\x07,Dept,\n")
	if code != exitFailed {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.ContainsAny(errOut, "\x1b\x07\u202e") {
		t.Fatalf("stderr carries control characters: %q", errOut)
	}
	if !strings.Contains(errOut, "bad[31mred[0mx") || !strings.Contains(errOut, "is neither a Slack user ID nor an email") {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestImportOrg_LookupThatHangsTimesOut(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	lookup := newEmailLookup("xoxb-test", srv.URL+"/", 200*time.Millisecond)
	rows := []orgRow{{line: 2, user: "aoi@example.com", dept: "Sales"}, {line: 3, user: "UB0000001", dept: "Sales", manager: "aoi@example.com"}}
	start := time.Now()
	_, _, problems := resolveOrg(context.Background(), rows, lookup, 200*time.Millisecond)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the lookup took %v", took)
	}
	if len(problems) != 1 || problems[0].Detail != "could not be looked up: Slack did not answer within 200ms" || problems[0].Kind != "lookup_failed" {
		t.Fatalf("problems = %+v", problems)
	}
}
