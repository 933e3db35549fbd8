package bot

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares v, as indented JSON, with testdata/golden/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file; run go test ./bot -run %s -update and review the diff", path, t.Name())
	}
}

func sampleParticipant() mentoring.Participant {
	return mentoring.Participant{
		UserID: "U0MENTOR1", DisplayName: "Sato Aoi", TZ: "Asia/Tokyo", TZOffset: 32400,
		Profile: mentoring.Profile{
			Role: mentoring.RoleMentor, Department: "Marketing <team> & co", ManagerID: "U0MGR0001",
			Topics: []string{"genai", "social"}, FreeTopics: "TikTok for B2B",
			Languages: []mentoring.Lang{mentoring.LangJA, mentoring.LangEN},
			Cadence:   mentoring.CadenceBiweekly, Capacity: 2, Consent: true,
		},
		Status:   mentoring.StatusActive,
		JoinedAt: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC),
	}
}

func TestRender_Golden(t *testing.T) {
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	catalogue := mentoring.DefaultCatalogue()
	p := sampleParticipant()
	now := time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)
	for _, l := range mentoring.Langs {
		lang := string(l)
		t.Run(lang, func(t *testing.T) {
			golden(t, "help."+lang, renderHelp(cat, l, cmds, false))
			golden(t, "help_admin."+lang, renderHelp(cat, l, cmds, true))
			gaps := mentoring.OrgGaps{People: 3, Managers: []string{"U0MGR0001", "U0MGR0002"}}
			golden(t, "admin_figures."+lang, renderFigures(cat, l, cmds, mentoring.Counts{Active: 40, Paused: 3, Left: 2, Mentors: 22, Mentees: 21},
				gaps, &OutboxStatus{Queued: 3, Sent: 120, Retried: 4, Failed: 1, OldestQueued: now.Add(-90 * time.Second)}, now))
			golden(t, "join_modal_new."+lang, renderJoinModal(cat, joinForm{
				Lang: l, Draft: mentoring.Profile{Cadence: mentoring.CadenceBiweekly, Capacity: 1, Languages: []mentoring.Lang{l}},
				Catalogue: catalogue,
			}))
			golden(t, "join_modal_edit."+lang, renderJoinModal(cat, joinForm{
				Lang: l, Draft: p.Profile, Editing: true, Catalogue: catalogue,
				Departments: []string{"Sales", "Marketing <team> & co", "Engineering"},
			}))
			golden(t, "status."+lang, renderStatus(cat, l, p, nil, nil, catalogue, now))
			golden(t, "status_paired."+lang, renderStatus(cat, l, p, []mentoring.Pair{{ID: 1, MentorID: p.UserID, MenteeID: "U0MENTEE1",
				Cadence: mentoring.CadenceMonthly, CreatedAt: now}}, nil, catalogue, now))
			golden(t, "status_unpaired."+lang, renderStatus(cat, l, p, nil, &mentoring.Unpaired{RoundID: 7, DecidedAt: now,
				Role: mentoring.RoleMentor, Reason: mentoring.ReasonOutnumbered}, catalogue, now))
			golden(t, "not_paired."+lang, renderNotPaired(cat, l, mentoring.NotPairedData{RoundID: 7, UserID: "U0MENTEE3",
				Role: mentoring.RoleMentee, Reason: mentoring.ReasonCapacityFull}))
			golden(t, "joined."+lang, renderJoined(cat, l, mentoring.JoinResult{Participant: p, Created: true}, catalogue))
			round := sampleRound()
			golden(t, "round_proposed."+lang, renderRound(cat, l, round, 0, catalogue, ""))
			approved := round
			approved.Status, approved.DecidedBy = mentoring.RoundApproved, "UHRADMIN1"
			golden(t, "round_approved."+lang, renderRound(cat, l, approved, 0, catalogue, ""))
			golden(t, "round_changed."+lang, renderRound(cat, l, round, 0, catalogue, renderChanges(cat, l, []mentoring.RoundChange{
				{Kind: mentoring.ChangeLeft, UserID: "U0MENTEE1", MentorID: "U0MENTOR1", MenteeID: "U0MENTEE1"},
				{Kind: mentoring.ChangePaired, UserID: "U0MENTEE2", MentorID: "U0MENTOR2", MenteeID: "U0MENTEE2", PartnerID: "U0MENTOR9"},
				{Kind: mentoring.ChangeCapacity, UserID: "U0MENTOR2", MentorID: "U0MENTOR2", MenteeID: "U0MENTEE2", Capacity: 2, Taken: 2, Proposed: 1},
				{Kind: mentoring.ChangeRules, UserID: "U0MENTOR1", MentorID: "U0MENTOR1", MenteeID: "U0MENTEE3", Reason: mentoring.ReasonReportingLine},
			})))
			golden(t, "round_swapped."+lang, renderRoundEdited(cat, l, round, roundEdit{Action: "swap", A: 0, B: 1}))
			golden(t, "round_edit."+lang, renderRoundEdit(cat, l, round, map[string]string{"U0MENTOR1": "Sato Aoi"},
				modalMeta{Lang: l, Round: 7, Version: 2, Channel: "D1", TS: "1.2"}, "swap refused"))
			golden(t, "intro."+lang, renderIntro(cat, l, mentoring.IntroData{RoundID: 7, MentorID: "U0MENTOR1", MenteeID: "U0MENTEE1",
				SharedTopics: []string{"genai", "slack"}, Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly}, catalogue, nil))
			golden(t, "orientation_mentor."+lang, renderOrientation(cat, l, mentoring.OrientationData{RoundID: 7, UserID: "U0MENTOR1",
				Role: mentoring.RoleMentor, Partners: []string{"U0MENTEE1", "U0MENTEE2"}}, nil))
			golden(t, "orientation_mentee."+lang, renderOrientation(cat, l, mentoring.OrientationData{RoundID: 7, UserID: "U0MENTEE1",
				Role: mentoring.RoleMentee, Partners: []string{"U0MENTOR1"}}, nil))
			golden(t, "home_newcomer."+lang, renderHome(cat, cmds, homeData{Lang: l, Now: now}, catalogue))
			golden(t, "home_admin."+lang, renderHome(cat, cmds, homeData{Lang: l, Participant: &p, Admin: true, Now: now,
				Counts:  mentoring.Counts{Active: 40, Paused: 3, Left: 2, Mentors: 22, Mentees: 21},
				Outbox:  &OutboxStatus{Queued: 3, Sent: 120, Retried: 4, Failed: 1, OldestQueued: now.Add(-90 * time.Second)},
				Pending: &round, Gaps: gaps, OpenFlags: 3, Cycle: new(sampleCycle()), Trend: new(sampleSummary())}, catalogue))
		})
	}
}

func sampleRound() mentoring.Round {
	return mentoring.Round{ID: 7, Version: 2, Status: mentoring.RoundProposed, CreatedBy: "UHRADMIN1",
		Proposal: mentoring.Proposal{
			Pairs: []mentoring.ProposedPair{
				{MentorID: "U0MENTOR1", MenteeID: "U0MENTEE1", Score: 33, SharedTopics: []string{"genai", "slack"},
					Languages: []mentoring.Lang{mentoring.LangJA},
					Parts:     mentoring.ScoreParts{Topics: 20, FreeTopics: 2, Seniority: 3, Levels: 3, Waiting: 8, WaitedWeeks: 16}},
				{MentorID: "U0MENTOR2", MenteeID: "U0MENTEE2", Score: 2, Languages: []mentoring.Lang{mentoring.LangEN}, TZGapHours: 8,
					Parts: mentoring.ScoreParts{Topics: 0, TimeZone: -12, Waiting: 14, WaitedWeeks: 28}, UnknownAbove: []string{"U0MGR0001"}},
				{MentorID: "U0MENTOR1", MenteeID: "U0MENTEE3", Score: 10.5, SharedTopics: []string{"slack"},
					Languages: []mentoring.Lang{mentoring.LangJA}, ExtraSlot: 1, SlotReason: mentoring.ReasonNoFreeMentor,
					Parts: mentoring.ScoreParts{Topics: 10, Waiting: 0.5, WaitedWeeks: 1}},
			},
			Unmatched: []mentoring.Unmatched{
				{UserID: "U0MENTOR3", Role: mentoring.RoleMentor, Reason: mentoring.ReasonReportingLine},
				{UserID: "U0MENTEE4", Role: mentoring.RoleMentee, Reason: mentoring.ReasonOutnumbered},
			},
			LastSwap: &mentoring.SwapEffect{Pairs: [2]int{0, 1}, Before: [2]float64{33, 24.5}, After: [2]float64{23, 14.5}},
		}}
}

func TestRenderRound_PaginatesWithinBlockLimits(t *testing.T) {
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	r := mentoring.Round{ID: 1, Version: 1, Status: mentoring.RoundProposed}
	for i := range 500 {
		r.Proposal.Pairs = append(r.Proposal.Pairs, mentoring.ProposedPair{MentorID: fmt.Sprintf("UM%04d", i), MenteeID: fmt.Sprintf("UE%04d", i)})
		r.Proposal.Unmatched = append(r.Proposal.Unmatched, mentoring.Unmatched{UserID: fmt.Sprintf("UX%04d", i), Reason: mentoring.ReasonOutnumbered})
	}
	seen := 0
	for page := 0; page < (500+pairsPerPage-1)/pairsPerPage; page++ {
		blocks := renderRound(cat, mentoring.LangEN, r, page, mentoring.DefaultCatalogue(), "")
		if len(blocks) > MaxMessageBlocks {
			t.Fatalf("page %d has %d blocks", page, len(blocks))
		}
		for _, b := range blocks {
			if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil && utf8.RuneCountInString(s.Text.Text) > MaxSectionText {
				t.Fatalf("page %d: section of %d runes", page, utf8.RuneCountInString(s.Text.Text))
			}
			if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil && strings.Contains(s.Text.Text, "→") {
				seen++
			}
		}
	}
	if seen != 500 {
		t.Fatalf("pages showed %d of 500 pairs", seen)
	}
}

func TestRenderRound_NoPairsOffersNoApproval(t *testing.T) {
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	r := mentoring.Round{ID: 2, Version: 1, Status: mentoring.RoundProposed,
		Proposal: mentoring.Proposal{Unmatched: []mentoring.Unmatched{{UserID: "U1", Role: mentoring.RoleMentor, Reason: mentoring.ReasonNoPartner}}}}
	buf, _ := json.Marshal(renderRound(cat, mentoring.LangEN, r, 0, mentoring.DefaultCatalogue(), ""))
	if strings.Contains(string(buf), actionRoundApprove) || !strings.Contains(string(buf), actionRoundRerun) {
		t.Fatalf("empty round renders %s", buf)
	}
}
