package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

func TestImportOrg(t *testing.T) {
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.AddUser(slackfake.User{ID: "UCEO00001", Name: "ceo", Email: "ceo@example.com"})
	fake.AddUser(slackfake.User{ID: "UHEAD0001", Name: "head", Email: "Head@Example.com"})
	tests := []struct {
		name, csv string
		code      int
		want      string // in stdout or stderr
		stored    map[string]string
	}{
		{"ids, emails, header and BOM", "\uFEFFuser,department,manager\nceo@example.com,経営企画室,\nhead@example.com, 営業部 ,ceo@example.com\nUJUN00001,営業部,UHEAD0001\n",
			0, "imported 3 people, 2 departments, 2 managers", map[string]string{"UCEO00001": "", "UHEAD0001": "UCEO00001", "UJUN00001": "UHEAD0001"}},
		{"cycle refused", "UA0000001,S,UB0000001\nUB0000001,S,UA0000001\n", exitFailed, "go round in a circle", nil},
		{"unknown manager refused", "UA0000001,S,UGHOST001\n", exitFailed, "has no row of their own", nil},
		{"unknown email refused", "nobody@example.com,S,\n", exitFailed, "no Slack user", nil},
		{"wrong columns", "a,b,c,d\n", exitFailed, "want 3 columns", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			dir := t.TempDir()
			file := filepath.Join(dir, "org.csv")
			if err := os.WriteFile(file, []byte(tt.csv), 0o600); err != nil {
				t.Fatal(err)
			}
			dbPath := filepath.Join(dir, "rm.db")
			t.Setenv("REVERSE_MENTOR_DATABASE_PATH", dbPath)
			t.Setenv("SLACK_BOT_TOKEN", fake.BotToken())
			t.Setenv("REVERSE_MENTOR_SLACK_API_URL", fake.APIURL())
			code, out, errOut := runCmd(t, context.Background(), "import-org", file)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if tt.stored == nil {
				return
			}
			db, err := store.Open(context.Background(), dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			org, err := db.OrgPeople(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for id, mgr := range tt.stored {
				if org[id].ManagerID != mgr {
					t.Errorf("%s manager %q, want %q", id, org[id].ManagerID, mgr)
				}
			}
			if org["UHEAD0001"].Department != "営業部" {
				t.Errorf("department %q", org["UHEAD0001"].Department)
			}
		})
	}
}
