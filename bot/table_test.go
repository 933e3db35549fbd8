package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
)

// The tests in this file walk the tables that route slash commands, clicks and modal
// submissions, so that a row added without its catalog lines, help or handler fails here.

func TestCommandTable_EveryEntryHasItsHelpInBothCatalogs(t *testing.T) {
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range mentoring.Langs {
		keys, err := catalogKeys(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range cmds.list {
			if !slices.Contains(keys, e.helpKey) {
				t.Errorf("the %s catalog lacks %q, the help of %q", l, e.helpKey, cmds.path(e))
				continue
			}
			if s := strings.TrimSpace(cat.T(l, e.helpKey, nil)); s == "" || strings.HasPrefix(s, "[") {
				t.Errorf("%s %q (help of %q) renders %q", l, e.helpKey, cmds.path(e), s)
			}
		}
	}
}

// TestCommandTable_HelpGoldenListsEveryCommand reads the reviewed help goldens: an
// admin's help lists every entry (the Japanese one with its Japanese words too), and the
// help everyone else sees lists every ordinary entry and no admin-only one.
func TestCommandTable_HelpGoldenListsEveryCommand(t *testing.T) {
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		buf, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(buf)
	}
	for _, l := range mentoring.Langs {
		admin, everyone := read("help_admin."+string(l)), read("help."+string(l))
		for _, e := range cmds.list {
			typed := "`" + cmds.typed(e) + "`"
			if !strings.Contains(admin, typed) {
				t.Errorf("help_admin.%s lacks %s", l, typed)
			}
			if shown := strings.Contains(everyone, typed); shown == e.admin {
				t.Errorf("help.%s: %s is shown to everyone: %v; it is admin-only: %v", l, typed, shown, e.admin)
			}
			if ja := cmds.typedJA(e); l == mentoring.LangJA && ja != "" && !strings.Contains(admin, "`"+ja+"`") {
				t.Errorf("help_admin.ja lacks the Japanese words `%s` of %s", ja, typed)
			}
		}
	}
}

func TestActionTable_IDsAreUniqueAndHandled(t *testing.T) {
	rows := blockActions()
	seen := map[string]bool{}
	for _, a := range rows {
		if seen[a.id] {
			t.Errorf("action %q appears twice", a.id)
		}
		seen[a.id] = true
		if a.run == nil {
			t.Errorf("action %q has no handler", a.id)
		}
	}
	actions, err := newActionTable(rows)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newActionTable(append(rows, rows[0])); err == nil {
		t.Error("a duplicate action ID was accepted")
	}
	// Every button the bot renders is in the table, and every row is a button the bot
	// renders; only what HR admins see has admin-only buttons.
	rendered := map[string]bool{}
	for name, surface := range renderedSurfaces(t) {
		for _, id := range buttonIDs(t, surface) {
			rendered[id] = true
			a, ok := actions[id]
			if !ok {
				t.Errorf("%s renders button %q, which no handler serves", name, id)
			}
			if a.admin && !strings.HasPrefix(name, "admin ") {
				t.Errorf("%s shows the admin-only button %q", name, id)
			}
		}
	}
	for _, a := range rows {
		if !rendered[a.id] {
			t.Errorf("action %q is in the table but on no rendered surface", a.id)
		}
	}
}

func TestViewTable_CallbackIDsAreUniqueAndHandled(t *testing.T) {
	rows := viewCallbacks()
	seen := map[string]bool{}
	for _, v := range rows {
		if seen[v.id] {
			t.Errorf("view %q appears twice", v.id)
		}
		seen[v.id] = true
		if (v.check == nil) == (v.run == nil) {
			t.Errorf("view %q must set exactly one of check and run", v.id)
		}
	}
	views, err := newViewTable(rows)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newViewTable(append(rows, rows[0])); err == nil {
		t.Error("a duplicate callback ID was accepted")
	}
	if _, err := newViewTable([]viewCallback{{id: "both", check: rows[0].check,
		run: func(*Bot, context.Context, slack.InteractionCallback, modalMeta) {}}}); err == nil {
		t.Error("a view both checked and run was accepted")
	}
	// Every modal the bot renders is in the table.
	cat := testCatalog(t)
	for _, l := range mentoring.Langs {
		for _, m := range []slack.ModalViewRequest{
			renderJoinModal(cat, joinForm{Lang: l, Catalogue: mentoring.DefaultCatalogue()}),
			renderRoundEdit(cat, l, sampleRound(), nil, modalMeta{Lang: l, Round: 7, Version: 2}, ""),
			renderCheckInModal(cat, sampleCheckInView(l, mentoring.RoleMentor, nil)),
			renderLeaveModal(cat, l),
			renderCycleModal(cat, cycleForm{Lang: l, Cycle: sampleCycle()}),
			renderSurveyModal(cat, l, sampleSurveyForm(mentoring.RoleMentee), mentoring.DefaultCatalogue()),
			renderRatingPage(cat, l, sampleParticipant().Profile, mentoring.DefaultCatalogue()),
		} {
			if _, ok := views[m.CallbackID]; !ok {
				t.Errorf("modal %q has no submission handler", m.CallbackID)
			}
		}
	}
}

func TestAnswerSubmission_ChecksStaleAndPlainViews(t *testing.T) {
	b := submissionBot(t)
	ran := ""
	b.views["test_note"] = viewCallback{id: "test_note", run: func(_ *Bot, _ context.Context, cb slack.InteractionCallback, m modalMeta) {
		ran = cb.User.ID + " " + string(m.Lang)
	}}
	state := func(values string) *slack.ViewState {
		var s slack.ViewState
		if err := json.Unmarshal([]byte(`{"values":`+values+`}`), &s); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	pick := func(v string) string { return `{"selected_option":{"value":"` + v + `"}}` }
	edit := func(action, a, b string) *slack.ViewState {
		return state(fmt.Sprintf(`{"edit_action":{"edit_action":%s},"pair_a":{"pair_a":%s},"pair_b":{"pair_b":%s}}`, pick(action), pick(a), pick(b)))
	}
	roundMeta := encodeMeta(modalMeta{Lang: mentoring.LangEN, Round: 7, Version: 2})
	tests := []struct {
		name     string
		view     slack.View
		wantName string
		wantAck  string // the ack's response_action; "" for a plain ack that closes the modal
		wantWork bool
	}{
		{"unknown callback", slack.View{CallbackID: "mystery", PrivateMetadata: encodeMeta(modalMeta{Lang: mentoring.LangJA})},
			"stale view", "", true},
		{"join from an older version", slack.View{CallbackID: callbackJoin, PrivateMetadata: `{"v":0,"lang":"ja"}`},
			"stale view", "", true},
		{"round edit without its round", slack.View{CallbackID: callbackRoundEdit, PrivateMetadata: encodeMeta(modalMeta{Lang: mentoring.LangJA})},
			"stale view", "", true},
		{"join with problems", slack.View{CallbackID: callbackJoin, PrivateMetadata: encodeMeta(modalMeta{Lang: mentoring.LangJA}), State: state(`{}`)},
			callbackJoin, "errors", false},
		{"round edit choosing one pair twice", slack.View{CallbackID: callbackRoundEdit, PrivateMetadata: roundMeta, State: edit("swap", "0", "0")},
			callbackRoundEdit, "errors", false},
		{"round edit to apply", slack.View{CallbackID: callbackRoundEdit, PrivateMetadata: roundMeta, State: edit("swap", "0", "1")},
			callbackRoundEdit, "update", true},
		{"a view not checked before the ack", slack.View{CallbackID: "test_note", PrivateMetadata: encodeMeta(modalMeta{Lang: mentoring.LangEN})},
			"test_note", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, name := b.answerSubmission(slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission,
				User: slack.User{ID: "U0SUBMIT1"}, View: tt.view})
			buf, _ := json.Marshal(ans.ack)
			var ack struct {
				ResponseAction string `json:"response_action"`
			}
			_ = json.Unmarshal(buf, &ack)
			work := ans.work != nil || ans.next != nil
			if name != tt.wantName || ack.ResponseAction != tt.wantAck || work != tt.wantWork {
				t.Fatalf("got %q, ack %s, work %v; want %q, %q, %v", name, buf, work, tt.wantName, tt.wantAck, tt.wantWork)
			}
		})
	}
	ans, _ := b.answerSubmission(slack.InteractionCallback{User: slack.User{ID: "U0SUBMIT1"},
		View: slack.View{CallbackID: "test_note", PrivateMetadata: encodeMeta(modalMeta{Lang: mentoring.LangEN})}})
	ans.work(context.Background())
	if ran != "U0SUBMIT1 en" {
		t.Fatalf("the unchecked view's handler ran with %q", ran)
	}
}

// submissionBot is a Bot with what answering a submission needs and no Slack: pure
// checks only, so nothing here may reach the network or a database.
func submissionBot(t *testing.T) *Bot {
	t.Helper()
	views, err := newViewTable(viewCallbacks())
	if err != nil {
		t.Fatal(err)
	}
	svc := mentoring.NewService(nil, simclock.New(sampleNow), mentoring.Options{Admins: []string{"U0HRADMIN"}})
	return &Bot{cat: testCatalog(t), log: slog.New(slog.DiscardHandler), views: views, profiles: svc, sessions: svc,
		admins: svc, cycles: svc}
}

func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// renderedSurfaces renders every message, Home and modal the bot shows, in both
// languages, by name; names of what only HR admins see start with "admin ".
func renderedSurfaces(t *testing.T) map[string]any {
	t.Helper()
	cat := testCatalog(t)
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	catalogue := mentoring.DefaultCatalogue()
	now := time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)
	p := sampleParticipant()
	long := sampleRound()
	for i := range 2 * pairsPerPage {
		long.Proposal.Pairs = append(long.Proposal.Pairs, mentoring.ProposedPair{MentorID: fmt.Sprintf("UM%04d", i), MenteeID: fmt.Sprintf("UE%04d", i)})
	}
	out := map[string]any{}
	for _, l := range mentoring.Langs {
		round := sampleRound()
		out["help "+string(l)] = renderHelp(cat, l, cmds, false)
		out["status "+string(l)] = renderStatus(cat, l, p, nil, nil, catalogue, now)
		out["joined "+string(l)] = renderJoined(cat, l, mentoring.JoinResult{Participant: p, Created: true}, catalogue)
		out["home newcomer "+string(l)] = renderHome(cat, cmds, homeData{Lang: l, Now: now}, catalogue)
		out["home participant "+string(l)] = renderHome(cat, cmds, homeData{Lang: l, Participant: &p, Now: now}, catalogue)
		out["join modal "+string(l)] = renderJoinModal(cat, joinForm{Lang: l, Catalogue: catalogue})
		out["admin help "+string(l)] = renderHelp(cat, l, cmds, true)
		out["admin home "+string(l)] = renderHome(cat, cmds, homeData{Lang: l, Participant: &p, Admin: true, Pending: &round, Now: now}, catalogue)
		out["admin round "+string(l)] = renderRound(cat, l, round, 0, catalogue, "")
		out["admin round middle page "+string(l)] = renderRound(cat, l, long, 1, catalogue, "")
		out["admin round edit "+string(l)] = renderRoundEdit(cat, l, round, nil, modalMeta{Lang: l, Round: 7, Version: 2}, "")
		out["survey invite "+string(l)] = renderSurveyInvite(cat, l, mentoring.SurveyData{CycleID: 1, UserID: p.UserID, Name: "2026 Spring"})
		out["admin pairs "+string(l)] = renderPairs(cat, l, []mentoring.Pair{{MentorID: "U1", MenteeID: "U2", CreatedAt: now}})
		for name, surface := range sessionSurfaces(cat, cmds, l) {
			out[name+" "+string(l)] = surface
		}
		out["admin figures with failures "+string(l)] = renderFigures(cat, l, cmds, mentoring.Counts{}, mentoring.OrgGaps{},
			&OutboxStatus{Failed: 1, FailedRows: []FailedMessage{{ID: 7, Kind: "intro", UserIDs: []string{"U1"}, Reason: "user_disabled"}}}, now)
	}
	return out
}

// buttonIDs returns the action IDs of every button in a rendered surface.
func buttonIDs(t *testing.T, surface any) []string {
	t.Helper()
	buf, err := json.Marshal(surface)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf, &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "button" {
				if id, ok := v["action_id"].(string); ok {
					ids = append(ids, id)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return ids
}
