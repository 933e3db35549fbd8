package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// sampleNow is the time the session samples are rendered at: Tuesday 5 May 2026, 10:00
// in Tokyo.
var sampleNow = time.Date(2026, 5, 5, 1, 0, 0, 0, time.UTC)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// samplePair is a biweekly pair that began on Monday 6 April 2026, 09:00 in Tokyo.
func samplePair() mentoring.Pair {
	return mentoring.Pair{ID: 3, RoundID: 7, MentorID: "U0MENTOR1", MenteeID: "U0MENTEE1", Status: mentoring.PairActive,
		Cadence: mentoring.CadenceBiweekly, SharedTopics: []string{"genai", "slack"}, Languages: []mentoring.Lang{mentoring.LangJA},
		CreatedAt: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)}
}

func samplePrompt(role mentoring.Role) mentoring.PromptData {
	p := samplePair()
	w := p.Window(2)
	d := mentoring.PromptData{PairID: p.ID, Window: 2, UserID: p.MentorID, Role: role, PartnerID: p.MenteeID, Start: w.Start, End: w.End}
	if role == mentoring.RoleMentee {
		d.UserID, d.PartnerID = p.MenteeID, p.MentorID
	}
	return d
}

// sampleCheckInView is the check-in modal of window 2 of the sample pair, answered
// before when prev is set.
func sampleCheckInView(lang mentoring.Lang, role mentoring.Role, prev *mentoring.CheckIn) checkInView {
	p := samplePair()
	f := mentoring.CheckInForm{Pair: p, Window: p.Window(2), Role: role, PartnerID: p.MenteeID, Previous: prev}
	if role == mentoring.RoleMentee {
		f.PartnerID = p.MentorID
	}
	return checkInView{Lang: lang, Form: f, Catalogue: mentoring.DefaultCatalogue(), Loc: tokyo, Now: sampleNow}
}

func sampleFlag() flagView {
	p := samplePair()
	w := p.Window(2)
	return flagView{Loc: tokyo, Window: &w, Flag: mentoring.Flag{ID: 5, Key: "burden:U0MENTOR1:3:w2", Cause: mentoring.FlagBurden,
		UserID: p.MentorID, PairID: p.ID, CreatedAt: w.End.Add(2 * time.Hour),
		Detail: mentoring.FlagDetail{Window: 2, PartnerID: p.MenteeID, Role: mentoring.RoleMentor, Rating: 2, Burden: 5,
			HardToSpeak: true, Met: mentoring.MetYes, ContactHR: true,
			Note: "I feel I can't say no when <@U0MENTEE1> asks for more & more. 😟"}}}
}

// sessionSurfaces renders what sessions show people, by name; names of what only HR
// admins see start with "admin ".
func sessionSurfaces(cat *Catalog, cmds *commandTable, l mentoring.Lang) map[string]any {
	p := sampleParticipant()
	pair := samplePair()
	paused := p
	paused.Status, paused.PausedUntil = mentoring.StatusPaused, sampleNow.Add(14*24*time.Hour)
	nudge, answered := samplePrompt(mentoring.RoleMentor), samplePrompt(mentoring.RoleMentor)
	nudge.Nudge, answered.Answered = true, true
	var many []mentoring.Flag
	for i := range 3 * flagsPerPage {
		f := sampleFlag().Flag
		f.ID, f.Key = int64(i+1), fmt.Sprintf("contact:U%08d:0:w1", i)
		many = append(many, f)
	}
	return map[string]any{
		"checkin prompt":          renderPrompt(cat, l, samplePrompt(mentoring.RoleMentor), tokyo),
		"checkin nudge":           renderPrompt(cat, l, nudge, tokyo),
		"checkin answered":        renderPrompt(cat, l, answered, tokyo),
		"checkin choose":          renderChoosePair(cat, l, p.UserID, []mentoring.Pair{pair, pair}, nil),
		"checkin modal":           renderCheckInModal(cat, sampleCheckInView(l, mentoring.RoleMentor, nil)),
		"pulse":                   renderPulse(cat, l, pulseView{Date: "2026-05-04", Role: mentoring.RoleMentor}),
		"status paused":           renderStatus(cat, l, paused, []mentoring.Pair{pair}, nil, mentoring.DefaultCatalogue(), sampleNow),
		"home paired":             renderHome(cat, cmds, homeData{Lang: l, Participant: &p, Pairs: []mentoring.Pair{pair}, Now: sampleNow}, mentoring.DefaultCatalogue()),
		"leave modal":             renderLeaveModal(cat, l),
		"admin flag":              renderFlag(cat, l, sampleFlag()),
		"admin flag list":         renderFlagList(cat, l, many, flagListView{Page: 1, Loc: tokyo}),
		"pair ended":              renderPairEnded(cat, l, mentoring.PairEndedData{PairID: 3, UserID: "U0MENTEE1", Since: pair.CreatedAt, WillRematch: true}, tokyo),
		"resumed":                 renderResumed(cat, l),
		"checkin modal of mentee": renderCheckInModal(cat, sampleCheckInView(l, mentoring.RoleMentee, nil)),
	}
}

func TestRenderSessions_Golden(t *testing.T) {
	cat := testCatalog(t)
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	p := samplePair()
	for _, l := range mentoring.Langs {
		lang := string(l)
		t.Run(lang, func(t *testing.T) {
			mentor, mentee := samplePrompt(mentoring.RoleMentor), samplePrompt(mentoring.RoleMentee)
			golden(t, "checkin_prompt."+lang, renderPrompt(cat, l, mentor, tokyo))
			golden(t, "checkin_prompt_mentee."+lang, renderPrompt(cat, l, mentee, tokyo))
			nudge := mentor
			nudge.Nudge = true
			golden(t, "checkin_nudge."+lang, renderPrompt(cat, l, nudge, tokyo))
			answered := mentor
			answered.Answered = true
			golden(t, "checkin_answered."+lang, renderPrompt(cat, l, answered, tokyo))
			answered.PartnerID = "erased"
			golden(t, "checkin_answered_partner_erased."+lang, renderPrompt(cat, l, answered, tokyo))

			golden(t, "checkin_modal_mentor."+lang, renderCheckInModal(cat, sampleCheckInView(l, mentoring.RoleMentor, nil)))
			golden(t, "checkin_modal_mentor_edit."+lang, renderCheckInModal(cat, sampleCheckInView(l, mentoring.RoleMentor, &mentoring.CheckIn{
				Met: mentoring.MetYes, MetOn: time.Date(2026, 4, 28, 0, 0, 0, 0, time.UTC), Rating: 4, Burden: 2,
				Topics: []string{"genai", "data"}, TopicsFree: "Excel <macros> & VBA", PrivateNote: "All good 🙂", ContactHR: false})))
			golden(t, "checkin_modal_mentee."+lang, renderCheckInModal(cat, sampleCheckInView(l, mentoring.RoleMentee, &mentoring.CheckIn{
				Met: mentoring.MetRescheduled, Learned: "How to write prompts", ContactHR: true, PrivateNote: "Could HR help us find a slot?"})))
			golden(t, "checkin_choose."+lang, renderChoosePair(cat, l, p.MentorID, []mentoring.Pair{p, {ID: 4, MentorID: p.MentorID, MenteeID: "U0MENTEE2"}},
				map[string]string{"U0MENTEE1": "Tanaka Hiroshi", "U0MENTEE2": "Suzuki Kenji"}))

			date := "2026-05-04"
			golden(t, "pulse_mood."+lang, renderPulse(cat, l, pulseView{Date: date, Role: mentoring.RoleMentor}))
			answers := map[mentoring.PulseQuestion]int{mentoring.PulseMood: 4}
			golden(t, "pulse_safety."+lang, renderPulse(cat, l, pulseView{Date: date, Role: mentoring.RoleMentor, Answers: answers}))
			answers = map[mentoring.PulseQuestion]int{mentoring.PulseMood: 4, mentoring.PulseSafety: 3}
			golden(t, "pulse_burden."+lang, renderPulse(cat, l, pulseView{Date: date, Role: mentoring.RoleMentor, Answers: answers}))
			answers = map[mentoring.PulseQuestion]int{mentoring.PulseMood: 4, mentoring.PulseSafety: 3, mentoring.PulseBurden: 2}
			golden(t, "pulse_thanks."+lang, renderPulse(cat, l, pulseView{Date: date, Role: mentoring.RoleMentor, Answers: answers}))
			golden(t, "pulse_already."+lang, renderPulse(cat, l, pulseView{Date: date, Role: mentoring.RoleMentee,
				Answers: map[mentoring.PulseQuestion]int{mentoring.PulseMood: 2}, Note: cat.T(l, "pulse_already", nil)}))

			golden(t, "flag_open."+lang, renderFlag(cat, l, sampleFlag()))
			handled := sampleFlag()
			handled.Flag.HandledBy, handled.Flag.HandledAt = "UHRADMIN1", time.Date(2026, 5, 5, 5, 30, 0, 0, time.UTC)
			golden(t, "flag_handled."+lang, renderFlag(cat, l, handled))
			quiet := flagView{Loc: tokyo, Flag: mentoring.Flag{ID: 6, Key: "quiet:U0MENTEE1:3:w3", Cause: mentoring.FlagQuiet,
				UserID: "U0MENTEE1", PairID: 3, CreatedAt: time.Date(2026, 5, 25, 0, 15, 0, 0, time.UTC),
				Detail: mentoring.FlagDetail{Window: 3, Missed: 3}}}
			w := p.Window(3)
			quiet.Window = &w
			golden(t, "flag_quiet."+lang, renderFlag(cat, l, quiet))
			golden(t, "flags_list."+lang, renderFlagList(cat, l, []mentoring.Flag{sampleFlag().Flag, quiet.Flag}, flagListView{Loc: tokyo}))

			golden(t, "leave_modal."+lang, renderLeaveModal(cat, l))
			golden(t, "pair_ended."+lang, renderPairEnded(cat, l, mentoring.PairEndedData{PairID: 3, UserID: "U0MENTEE1",
				LeaverRole: mentoring.RoleMentor, Since: p.CreatedAt, OtherPairs: 1, WillRematch: true}, tokyo))
			golden(t, "resumed."+lang, renderResumed(cat, l))
			paused := sampleParticipant()
			paused.Status, paused.PausedUntil = mentoring.StatusPaused, sampleNow.Add(14*24*time.Hour)
			golden(t, "status_paused."+lang, renderStatus(cat, l, paused, []mentoring.Pair{p}, nil, mentoring.DefaultCatalogue(), sampleNow))
			part := sampleParticipant()
			golden(t, "home_paired."+lang, renderHome(cat, cmds, homeData{Lang: l, Participant: &part, Pairs: []mentoring.Pair{p},
				Now: sampleNow}, mentoring.DefaultCatalogue()))
		})
	}
}

// TestRenderSessions_WithinBlockKitLimits checks every session surface against Slack's
// limits: blocks per message or modal, section text, button text and private metadata.
func TestRenderSessions_WithinBlockKitLimits(t *testing.T) {
	cat := testCatalog(t)
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	long := sampleFlag()
	long.Flag.Detail.Note = strings.Repeat("&<😣שלום>", 3000/9+1)
	for _, l := range mentoring.Langs {
		surfaces := sessionSurfaces(cat, cmds, l)
		surfaces["admin flag with a long note"] = renderFlag(cat, l, long)
		for name, s := range surfaces {
			buf, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Blocks          []map[string]any `json:"blocks"`
				PrivateMetadata string           `json:"private_metadata"`
			}
			if err := json.Unmarshal(buf, &doc); err != nil || doc.Blocks == nil {
				var blocks []map[string]any
				if err := json.Unmarshal(buf, &blocks); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				doc.Blocks = blocks
				if len(blocks) > MaxMessageBlocks {
					t.Errorf("%s %s: %d blocks", name, l, len(blocks))
				}
			}
			if len(doc.Blocks) > MaxSurfaceBlocks || utf8.RuneCountInString(doc.PrivateMetadata) > 3000 {
				t.Errorf("%s %s: %d blocks, metadata of %d", name, l, len(doc.Blocks), len(doc.PrivateMetadata))
			}
			for _, b := range doc.Blocks {
				if text, ok := b["text"].(map[string]any); ok {
					if s, _ := text["text"].(string); utf8.RuneCountInString(s) > MaxSectionText {
						t.Errorf("%s %s: a text of %d runes", name, l, utf8.RuneCountInString(s))
					}
				}
			}
			for _, b := range doc.Blocks {
				seen := map[string]bool{}
				for _, id := range buttonIDs(t, b) {
					if id == "" || seen[id] {
						t.Errorf("%s %s: a button without an action ID, or two with %q in one block", name, l, id)
					}
					seen[id] = true
				}
			}
		}
	}
	// The long note comes through whole, escaped, over several sections.
	var shown strings.Builder
	for _, b := range renderFlag(cat, mentoring.LangEN, long) {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			shown.WriteString(s.Text.Text)
		}
	}
	if want := escapeMrkdwn(long.Flag.Detail.Note); !strings.Contains(shown.String(), want) {
		t.Fatalf("the note came through as %d runes, want %d", utf8.RuneCountInString(shown.String()), utf8.RuneCountInString(want))
	}
}

func TestCheckCheckIn_AnswersInlineBeforeTheAck(t *testing.T) {
	b := submissionBot(t)
	meta := modalMeta{Lang: mentoring.LangEN, Pair: 3, Window: 2, Start: samplePair().CreatedAt, Role: mentoring.RoleMentor}
	state := func(values string) *slack.ViewState {
		var s slack.ViewState
		if err := json.Unmarshal([]byte(`{"values":`+values+`}`), &s); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	pick := func(block, v string) string {
		return fmt.Sprintf(`"%s":{"%s":{"selected_option":{"value":"%s"}}}`, block, block, v)
	}
	date := func(d string) string { return fmt.Sprintf(`"met_on":{"met_on":{"selected_date":"%s"}}`, d) }
	tests := []struct {
		name   string
		values string
		meta   string
		want   map[string]string // inline errors, by block; nil for an answer saved after the ack
	}{
		{"met, rated, a day in the pair", `{` + pick("met", "yes") + `,` + date("2026-04-21") + `,` + pick("rating", "4") + `}`, "", nil},
		{"not met yet, nothing else", `{` + pick("met", "not_yet") + `}`, "", nil},
		{"met but no rating", `{` + pick("met", "yes") + `}`, "", map[string]string{"rating": "how the session went"}},
		{"a day before the pair began", `{` + pick("met", "yes") + `,` + date("2026-03-01") + `,` + pick("rating", "3") + `}`, "",
			map[string]string{"met_on": "start of your pair"}},
		{"an unreadable day", `{` + pick("met", "yes") + `,` + date("2026-02-31") + `,` + pick("rating", "3") + `}`, "",
			map[string]string{"met_on": "start of your pair"}},
		{"a rating off the scale", `{` + pick("met", "yes") + `,` + pick("rating", "9") + `,` + pick("burden", "0x") + `}`, "",
			map[string]string{"rating": "one of the five", "burden": "one of the five"}},
		{"no answer to did you meet", `{}`, "", map[string]string{"met": "whether you met"}},
		{"a note too long", `{` + pick("met", "not_yet") + `,"note":{"note":{"value":"` + strings.Repeat("😣", 3001) + `"}}}`, "",
			map[string]string{"note": "longer than we can keep"}},
		{"a topic not in the catalogue", `{` + pick("met", "not_yet") + `,"topics":{"topics":{"selected_options":[{"value":"astrology"}]}}}`, "",
			map[string]string{"topics": "no longer offered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, name := b.answerSubmission(slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission,
				User: slack.User{ID: "U0MENTOR1"}, View: slack.View{CallbackID: callbackCheckIn, PrivateMetadata: encodeMeta(meta), State: state(tt.values)}})
			if name != callbackCheckIn {
				t.Fatalf("answered as %q", name)
			}
			if tt.want == nil {
				if ans.ack != nil || ans.work == nil {
					t.Fatalf("ack %+v, work %v: want a closed modal and the answer saved after", ans.ack, ans.work != nil)
				}
				return
			}
			errs, ok := ans.ack.(viewErrors)
			if !ok || ans.work != nil || len(errs.Errors) != len(tt.want) {
				t.Fatalf("ack %+v, work %v; want errors on %v", ans.ack, ans.work != nil, tt.want)
			}
			for block, part := range tt.want {
				if !strings.Contains(errs.Errors[block], part) {
					t.Errorf("error on %s = %q, want it to say %q", block, errs.Errors[block], part)
				}
			}
		})
	}
	// A check-in form whose metadata lost its pair, window or role is stale.
	for _, m := range []modalMeta{{Lang: mentoring.LangJA}, {Lang: mentoring.LangJA, Pair: 3, Window: 1, Role: "boss", Start: sampleNow}} {
		_, name := b.answerSubmission(slack.InteractionCallback{User: slack.User{ID: "U0MENTOR1"},
			View: slack.View{CallbackID: callbackCheckIn, PrivateMetadata: encodeMeta(m)}})
		if name != "stale view" {
			t.Errorf("metadata %+v answered as %q", m, name)
		}
	}
}

func TestDefaultMetOn_FilesAOneTapAnswerUnderItsWindow(t *testing.T) {
	p := samplePair()
	w := p.Window(2) // 20 Apr 00:00 UTC (09:00 Tokyo) to 4 May 00:00 UTC
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 4, 25, 3, 0, 0, 0, time.UTC), "2026-04-25"},  // within the window: today
		{time.Date(2026, 5, 4, 1, 0, 0, 0, time.UTC), "2026-05-03"},   // the prompt, just after: its last day
		{time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC), "2026-05-03"}, // a month late: still its last day
		{time.Date(2026, 4, 19, 16, 0, 0, 0, time.UTC), "2026-04-20"}, // 20 Apr in Tokyo, before 09:00
	}
	for _, tt := range tests {
		got := defaultMetOn(w, tt.now, tokyo)
		if got != tt.want {
			t.Errorf("at %s: %s, want %s", tt.now, got, tt.want)
		}
		d, _ := time.Parse(time.DateOnly, got)
		if n := p.WindowAt(d); n != 2 {
			t.Errorf("at %s: %s falls in window %d", tt.now, got, n)
		}
	}
}

func TestParseRefs_RefuseWhatNoButtonCarries(t *testing.T) {
	for _, s := range []string{"x", "1", "0:1", "-1:0", "1:-2", "1:2:3", "99999999999999999999:1", "1:100000"} {
		if _, ok := parseCheckInRef(s); ok {
			t.Errorf("check-in ref %q accepted", s)
		}
	}
	if r, ok := parseCheckInRef("12:3"); !ok || r != (checkInRef{12, 3}) {
		t.Errorf("check-in ref 12:3 = %+v %v", r, ok)
	}
	for _, s := range []string{"", "2026-05-04:mood", "2026-05-04:mood:6", "2026-05-04:mood:0", "2026-13-01:mood:3",
		"2026-05-04:salary:3", "2026-05-04:mood:3:1"} {
		if _, ok := parsePulseRef(s); ok {
			t.Errorf("pulse ref %q accepted", s)
		}
	}
	want := pulseRef{Date: "2026-05-04", Question: mentoring.PulseSafety, Value: 2}
	if r, ok := parsePulseRef(want.String()); !ok || r != want {
		t.Errorf("pulse ref round trip: %+v %v", r, ok)
	}
}
