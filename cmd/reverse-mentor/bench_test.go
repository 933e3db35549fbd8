package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeCosts writes a costs CSV into a temporary directory and returns its path.
func writeCosts(t *testing.T, csv string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "costs.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func benchCmd(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := runBench(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// Three mentors, two mentees; mentor 1 may not take mentee 0, mentor 2 takes nobody.
const benchCSV = "4,1\n,2.5\ninf,INF\n"

func TestBenchMatch_PrintsALine(t *testing.T) {
	code, out, errOut := benchCmd("match", "--costs", writeCosts(t, benchCSV))
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	fields := strings.Fields(out)
	if len(fields) != 5 || strings.Count(out, "\n") != 1 {
		t.Fatalf("output %q, want one line of five fields", out)
	}
	if got := strings.Join(fields[:4], " "); got != "3 2 2 6.5" {
		t.Fatalf("rows cols assigned total_cost = %q, want %q", got, "3 2 2 6.5")
	}
	if s, err := strconv.ParseFloat(fields[4], 64); err != nil || s < 0 {
		t.Fatalf("seconds %q is not a duration", fields[4])
	}
}

func TestBenchMatch_PrintsJSON(t *testing.T) {
	code, out, errOut := benchCmd("match", "--json", "--costs", writeCosts(t, benchCSV))
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	want := map[string]float64{"rows": 3, "cols": 2, "assigned": 2, "total_cost": 6.5}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if s, ok := got["seconds"].(float64); !ok || s < 0 {
		t.Errorf("seconds = %v, want a non-negative number", got["seconds"])
	}
	if len(got) != 5 {
		t.Errorf("keys %v, want exactly rows, cols, assigned, total_cost, seconds", got)
	}
}

func TestBenchMatch_Failures(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"nothing to measure", nil, exitUsage, "missing"},
		{"unknown benchmark", []string{"solve"}, exitUsage, `unknown benchmark "solve"`},
		{"missing costs", []string{"match"}, exitUsage, "--costs FILE is required"},
		{"unknown flag", []string{"match", "--costs", "x.csv", "--fast"}, exitUsage, "fast"},
		{"extra argument", []string{"match", "--costs", "x.csv", "more"}, exitUsage, "unexpected"},
		{"no such file", []string{"match", "--costs", filepath.Join(dir, "none.csv")}, exitFailed, "none.csv"},
		{"ragged rows", []string{"match", "--costs", writeCosts(t, "1,2\n3\n")}, exitFailed, "line 2"},
		{"not a number", []string{"match", "--costs", writeCosts(t, "1,2\n3,x\n")}, exitFailed, "line 2, field 2"},
		{"NaN", []string{"match", "--costs", writeCosts(t, "nan\n")}, exitFailed, "invalid cost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := benchCmd(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.message) {
				t.Errorf("stderr %q, want it to mention %q", errOut, tt.message)
			}
		})
	}
}

func TestBenchMatch_Help(t *testing.T) {
	code, out, _ := benchCmd("--help")
	if code != exitOK || !strings.Contains(out, "bench match --costs FILE") {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
}
