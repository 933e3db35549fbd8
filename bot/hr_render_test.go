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
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func sampleCycle() mentoring.Cycle {
	return mentoring.Cycle{ID: 3, Name: "2026 Spring <HR>", Purpose: "Managers use generative AI at work; juniors' voices reach across ranks & levels",
		Guidelines: "Meet during working hours.\nAbout 30 minutes a session.", StartsOn: "2026-04-06", EndsOn: "2026-09-30",
		DefaultCadence: mentoring.CadenceBiweekly}
}

func sampleSurveyForm(role mentoring.Role) mentoring.SurveyForm {
	f := mentoring.SurveyForm{Cycle: sampleCycle(), Role: role, Subjects: []string{mentoring.SubjectLead}}
	if role == mentoring.RoleMentee {
		f.Subjects = []string{"genai", "slack"}
	}
	return f
}

// TestRender_HRFollowUpGolden pins, in both languages, what the HR follow-up shows: the
// survey DM and modal (mentor, mentee, an answer being changed), the cycle modal (new,
// edit), the opt-in's rating page (mentor, mentee), an intro under a cycle, and a list
// of every follow-up, handled ones too.
func TestRender_HRFollowUpGolden(t *testing.T) {
	cat := testCatalog(t)
	catalogue := mentoring.DefaultCatalogue()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	cy := sampleCycle()
	for _, l := range mentoring.Langs {
		lang := string(l)
		t.Run(lang, func(t *testing.T) {
			golden(t, "survey_invite."+lang, renderSurveyInvite(cat, l, mentoring.SurveyData{CycleID: 3, UserID: "U0MENTEE1", Name: cy.Name}))
			golden(t, "survey_modal_mentor."+lang, renderSurveyModal(cat, l, sampleSurveyForm(mentoring.RoleMentor), catalogue))
			golden(t, "survey_modal_mentee."+lang, renderSurveyModal(cat, l, sampleSurveyForm(mentoring.RoleMentee), catalogue))
			edit := sampleSurveyForm(mentoring.RoleMentee)
			edit.Previous = &mentoring.CycleSurvey{CycleID: 3, Reflection: "I draft notes with AI <now>", JoinAgain: 9,
				Ratings: map[string]int{"genai": 4}}
			golden(t, "survey_modal_edit."+lang, renderSurveyModal(cat, l, edit, catalogue))
			golden(t, "cycle_modal_new."+lang, renderCycleModal(cat, cycleForm{Lang: l,
				Cycle: newCycleDraft(&cy, mentoring.CadenceWeekly, time.Date(2026, 9, 1, 10, 0, 0, 0, tokyo))}))
			golden(t, "cycle_modal_edit."+lang, renderCycleModal(cat, cycleForm{Lang: l, Cycle: cy}))
			mentor := sampleParticipant().Profile
			golden(t, "join_rating_mentor."+lang, renderRatingPage(cat, l, mentor, catalogue))
			mentee := mentor
			mentee.Role, mentee.Capacity = mentoring.RoleMentee, 1
			golden(t, "join_rating_mentee."+lang, renderRatingPage(cat, l, mentee, catalogue))
			golden(t, "intro_cycle."+lang, renderIntro(cat, l, mentoring.IntroData{RoundID: 7, MentorID: "U0MENTOR1",
				MenteeID: "U0MENTEE1", SharedTopics: []string{"genai"}, Languages: []mentoring.Lang{mentoring.LangJA},
				Cadence: mentoring.CadenceBiweekly}, catalogue, &cy))
			handled := sampleFlag().Flag
			handled.HandledBy, handled.HandledAt = "UHRADMIN1", handled.CreatedAt.Add(26*time.Hour)
			golden(t, "flags_list_all."+lang, renderFlagList(cat, l, []mentoring.Flag{sampleFlag().Flag, handled},
				flagListView{Loc: tokyo, Filter: mentoring.FlagFilter{All: true, Cause: mentoring.FlagBurden, UserID: "U0MENTOR1"}}))
		})
	}
}

// TestRender_CyclePurposeIsShownEscapedOrTheStandardOne checks what everyone reads as
// the purpose: the cycle's, with HR's text escaped, or the catalog's standard text.
func TestRender_CyclePurposeIsShownEscapedOrTheStandardOne(t *testing.T) {
	cat := testCatalog(t)
	cy := sampleCycle()
	cy.Purpose = "<!channel> Digital skills & more"
	for _, l := range mentoring.Langs {
		if got := purposeText(cat, l, nil); got != cat.T(l, "home_purpose", nil) {
			t.Errorf("%s without a cycle: %q", l, got)
		}
		got := purposeText(cat, l, &cy)
		if !strings.Contains(got, "&lt;!channel&gt; Digital skills &amp; more") || strings.Contains(got, "<!channel>") {
			t.Errorf("%s purpose %q", l, got)
		}
		home := renderHome(cat, nil, homeData{Lang: l, Cycle: &cy, Now: sampleNow}, mentoring.DefaultCatalogue())
		text := slackfake.BlocksText(home.Blocks)
		if !strings.Contains(text, "Digital skills") || !strings.Contains(text, "About 30 minutes a session.") {
			t.Errorf("%s home lacks the cycle's purpose or guidelines:\n%s", l, text)
		}
		for _, role := range []mentoring.Role{mentoring.RoleMentor, mentoring.RoleMentee} {
			o := renderOrientation(cat, l, mentoring.OrientationData{UserID: "U1", Role: role, Partners: []string{"U2"}}, &cy)
			if !strings.Contains(slackfake.BlocksText(slack.Blocks{BlockSet: o}), "Digital skills") {
				t.Errorf("%s %s orientation lacks the purpose", l, role)
			}
		}
	}
}

// TestRender_HRSurfacesStayWithinBlockKitLimits renders the largest forms and Home the
// HR follow-up can produce and checks Slack's limits: blocks, metadata, labels.
func TestRender_HRSurfacesStayWithinBlockKitLimits(t *testing.T) {
	cat := testCatalog(t)
	var catalogue mentoring.Catalogue
	var topics []string
	for i := range mentoring.MaxTopics {
		id := fmt.Sprintf("topic-with-a-rather-long-identifier-%02d", i)
		catalogue = append(catalogue, mentoring.Topic{ID: id, EN: strings.Repeat("Topic ", 20), JA: strings.Repeat("テーマ", 30)})
		topics = append(topics, id)
	}
	worst := mentoring.Profile{Role: mentoring.RoleMentee, Department: strings.Repeat("<部署>", 20), ManagerID: "U0MGR0001",
		Topics: topics, FreeTopics: strings.Repeat("\"<&>\"", 100), Languages: mentoring.Langs,
		Cadence: mentoring.CadenceWeekly, Capacity: 1, Consent: true}
	for _, l := range mentoring.Langs {
		page, ok := ratingPage(cat, l, worst, catalogue)
		if !ok {
			t.Fatalf("%s: the largest profile does not fit the rating page's metadata", l)
		}
		meta, valid := decodeMeta(page.PrivateMetadata)
		if !valid || meta.Profile == nil || meta.Profile.FreeTopics != worst.FreeTopics || len(meta.Profile.Topics) != mentoring.MaxTopics {
			t.Fatalf("%s: the profile does not come back from the metadata: %+v", l, meta.Profile)
		}
		f := mentoring.SurveyForm{Cycle: sampleCycle(), Role: mentoring.RoleMentee, Subjects: topics,
			Previous: &mentoring.CycleSurvey{Reflection: strings.Repeat("学", mentoring.MaxReflectionLen), JoinAgain: 10}}
		d := homeData{Lang: l, Participant: new(sampleParticipant()), Admin: true, Now: sampleNow, Cycle: new(sampleCycle()),
			Trend: new(sampleSummary()), Pending: new(sampleRound()), OpenFlags: 12,
			Gaps:   mentoring.OrgGaps{People: 40, Managers: []string{"U1", "U2", "U3"}},
			Outbox: &OutboxStatus{Queued: 3, Paused: "token_revoked", PausedSince: sampleNow}}
		d.Cycle.Guidelines = strings.Repeat("&", mentoring.MaxCycleGuidelinesLen)
		surfaces := map[string]slack.ModalViewRequest{
			"rating page": page,
			"survey":      renderSurveyModal(cat, l, f, catalogue),
			"cycle":       renderCycleModal(cat, cycleForm{Lang: l, Cycle: *d.Cycle}),
		}
		for name, v := range surfaces {
			checkModalLimits(t, string(l)+" "+name, v)
		}
		home := renderHome(cat, mustCommands(t), d, catalogue)
		if n := len(home.Blocks.BlockSet); n > MaxSurfaceBlocks {
			t.Errorf("%s admin home has %d blocks", l, n)
		}
		checkTextLimits(t, string(l)+" admin home", home.Blocks.BlockSet)
	}
}

func mustCommands(t *testing.T) *commandTable {
	t.Helper()
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	return cmds
}

// checkModalLimits checks a modal against Slack's limits.
func checkModalLimits(t *testing.T, name string, v slack.ModalViewRequest) {
	t.Helper()
	if n := len(v.Blocks.BlockSet); n > MaxSurfaceBlocks {
		t.Errorf("%s: %d blocks", name, n)
	}
	for _, o := range []*slack.TextBlockObject{v.Title, v.Submit, v.Close} {
		if o != nil && utf8.RuneCountInString(o.Text) > MaxModalTitle {
			t.Errorf("%s: %q is longer than %d", name, o.Text, MaxModalTitle)
		}
	}
	if n := utf8.RuneCountInString(v.PrivateMetadata); n > maxPrivateMetadata {
		t.Errorf("%s: metadata of %d characters", name, n)
	}
	checkTextLimits(t, name, v.Blocks.BlockSet)
}

// checkTextLimits walks rendered blocks for texts over Slack's limits: sections, option
// texts and values, labels and block IDs.
func checkTextLimits(t *testing.T, name string, blocks []slack.Block) {
	t.Helper()
	buf, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any, parent string)
	walk = func(v any, parent string) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				limit := MaxSectionText
				switch parent {
				case "option", "button":
					limit = MaxOptionText
				case "header":
					limit = MaxHeaderText
				case "confirm":
					limit = 300
				}
				if utf8.RuneCountInString(s) > limit {
					t.Errorf("%s: a %s text of %d characters", name, parent, utf8.RuneCountInString(s))
				}
			}
			if s, ok := v["value"].(string); ok && utf8.RuneCountInString(s) > MaxOptionValue {
				t.Errorf("%s: a value of %d characters", name, utf8.RuneCountInString(s))
			}
			if s, ok := v["block_id"].(string); ok && len(s) > 255 {
				t.Errorf("%s: a block_id of %d bytes", name, len(s))
			}
			if opts, ok := v["options"].([]any); ok && len(opts) > MaxOptions {
				t.Errorf("%s: %d options", name, len(opts))
			}
			kind, _ := v["type"].(string)
			for k, x := range v {
				p := parent
				if kind != "" {
					p = kind
				}
				switch k {
				case "options", "initial_option":
					p = "option"
				case "confirm":
					p = "confirm"
				}
				walk(x, p)
			}
		case []any:
			for _, x := range v {
				walk(x, parent)
			}
		}
	}
	walk(doc, "")
}

// TestAnswerSubmission_HRFormsAreCheckedBeforeTheAck answers the cycle, survey and
// rating forms as the loop does, with no network and no database: problems inline, a
// good form closed with its work queued, a forged or stale one refused.
func TestAnswerSubmission_HRFormsAreCheckedBeforeTheAck(t *testing.T) {
	b := submissionBot(t)
	state := func(values string) *slack.ViewState {
		var s slack.ViewState
		if err := json.Unmarshal([]byte(`{"values":`+values+`}`), &s); err != nil {
			t.Fatal(err)
		}
		return &s
	}
	pick := func(block, v string) string {
		return `"` + block + `":{"` + block + `":{"selected_option":{"value":"` + v + `"}}}`
	}
	date := func(block, v string) string { return `"` + block + `":{"` + block + `":{"selected_date":"` + v + `"}}` }
	text := func(block, v string) string { return `"` + block + `":{"` + block + `":{"value":"` + v + `"}}` }
	cycle := func(ends string) *slack.ViewState {
		return state("{" + strings.Join([]string{text("name", "Spring"), text("purpose", "Why"), date("starts_on", "2026-04-06"),
			date("ends_on", ends), pick("cadence", "weekly")}, ",") + "}")
	}
	cycleMeta := encodeMeta(modalMeta{Lang: mentoring.LangEN})
	surveyMeta := encodeMeta(modalMeta{Lang: mentoring.LangEN, Cycle: 3, Role: mentoring.RoleMentee, Subjects: []string{"genai"}})
	profile := sampleParticipant().Profile
	ratingMeta := encodeMeta(modalMeta{Lang: mentoring.LangJA, Profile: &profile})
	tests := []struct {
		name     string
		user     string
		view     slack.View
		wantName string
		wantAck  string
		errField string
		wantWork bool
	}{
		{"cycle by a participant", "U0MENTOR1", slack.View{CallbackID: callbackCycle, PrivateMetadata: cycleMeta, State: cycle("2026-09-30")},
			callbackCycle, "", "", true},
		{"cycle ending before it starts", "U0HRADMIN", slack.View{CallbackID: callbackCycle, PrivateMetadata: cycleMeta, State: cycle("2026-04-01")},
			callbackCycle, "errors", "ends_on", false},
		{"cycle to save", "U0HRADMIN", slack.View{CallbackID: callbackCycle, PrivateMetadata: cycleMeta, State: cycle("2026-09-30")},
			callbackCycle, "", "", true},
		{"survey without its cycle", "U0MENTEE1", slack.View{CallbackID: callbackSurvey, PrivateMetadata: cycleMeta, State: state(`{}`)},
			"stale view", "", "", true},
		{"survey joining again 11", "U0MENTEE1", slack.View{CallbackID: callbackSurvey, PrivateMetadata: surveyMeta,
			State: state("{" + pick("join_again", "11") + "}")}, callbackSurvey, "errors", "join_again", false},
		{"survey rating 6", "U0MENTEE1", slack.View{CallbackID: callbackSurvey, PrivateMetadata: surveyMeta,
			State: state("{" + pick("rating_genai", "6") + "}")}, callbackSurvey, "errors", "rating_genai", false},
		{"survey left blank", "U0MENTEE1", slack.View{CallbackID: callbackSurvey, PrivateMetadata: surveyMeta, State: state(`{}`)},
			callbackSurvey, "", "", true},
		{"rating page without its profile", "U0MENTOR1", slack.View{CallbackID: callbackJoinRating, PrivateMetadata: cycleMeta},
			"stale view", "", "", true},
		{"rating page unanswered", "U0MENTOR1", slack.View{CallbackID: callbackJoinRating, PrivateMetadata: ratingMeta, State: state(`{}`)},
			callbackJoinRating, "errors", "rating_lead", false},
		{"rating page answered", "U0MENTOR1", slack.View{CallbackID: callbackJoinRating, PrivateMetadata: ratingMeta,
			State: state("{" + pick("rating_lead", "3") + "}")}, callbackJoinRating, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, name := b.answerSubmission(slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission,
				User: slack.User{ID: tt.user}, View: tt.view})
			buf, _ := json.Marshal(ans.ack)
			var ack viewErrors
			_ = json.Unmarshal(buf, &ack)
			if name != tt.wantName || ack.ResponseAction != tt.wantAck || (ans.work != nil) != tt.wantWork ||
				(tt.errField != "" && ack.Errors[tt.errField] == "") {
				t.Fatalf("got %q, ack %s, work %v; want %q, %q on %q, %v", name, buf, ans.work != nil, tt.wantName, tt.wantAck, tt.errField, tt.wantWork)
			}
		})
	}
}
