package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// joinTopics opts a person in through the domain with topics of their own.
func (h *harness) joinTopics(id string, role mentoring.Role, dept, manager string, topics ...string) {
	h.t.Helper()
	h.user(id, id, "ja-JP")
	_, err := h.svc.Join(context.Background(), mentoring.Person{UserID: id, DisplayName: id, TZ: "Asia/Tokyo", TZOffset: 32400},
		mentoring.Profile{Role: role, Department: dept, ManagerID: manager, Topics: topics,
			Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly, Capacity: 1, Consent: true})
	if err != nil {
		h.t.Fatal(err)
	}
}

// A proposal left waiting while a mentee left is not approved: HR's preview turns into a
// fresh proposal that says who left, and nobody is told anything.
func TestRound_ApprovingAfterSomeoneLeftShowsAFreshProposalNamingWhoLeft(t *testing.T) {
	h := newHarness(t)
	h.joinDirect("UM1", mentoring.RoleMentor, "開発部", "")
	h.joinDirect("UM2", mentoring.RoleMentor, "経理部", "")
	h.joinDirect("UE1", mentoring.RoleMentee, "営業部", "")
	h.joinDirect("UE2", mentoring.RoleMentee, "人事部", "")
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Pairing round #1", "2 pairs")
	if _, err := h.svc.Leave(ctx, "UE1", false); err != nil {
		t.Fatal(err)
	}
	before, _ := h.db.OutboxStats(ctx)
	if err := admin.Click(ctx, "round_approve"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Nothing was approved", "<@UE1> has left the programme", "Pairing round #2", "*1 pair*")
	if pairs, _ := h.db.ActivePairs(ctx); len(pairs) != 0 {
		t.Fatalf("approved anyway: %+v", pairs)
	}
	if after, _ := h.db.OutboxStats(ctx); after.Queued() != before.Queued() {
		t.Fatalf("someone was told: %d then %d queued", before.Queued(), after.Queued())
	}
	if r, err := h.db.PendingRound(ctx); err != nil || r.ID != 2 {
		t.Fatalf("pending %+v %v", r.ID, err)
	}
}

// Someone an approved round leaves without a partner is told so, kindly and in their
// language, with why and what happens next; their status and App Home say the same
// instead of a round still to come.
func TestRound_PeopleLeftWithoutAPartnerAreToldWhyAndTheirStatusSaysSo(t *testing.T) {
	h := newHarness(t, withSender())
	h.joinDirect("UM1", mentoring.RoleMentor, "開発部", "")
	h.joinDirect("UM2", mentoring.RoleMentor, "経理部", "")
	h.joinDirect("UE1", mentoring.RoleMentee, "営業部", "")
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "*1 pair*", "1 person without a partner", "more mentors took part than there were mentees")
	r, err := h.db.PendingRound(ctx)
	if err != nil || len(r.Proposal.Unmatched) != 1 {
		t.Fatalf("%+v %v", r.Proposal, err)
	}
	left := h.fake.Person(r.Proposal.Unmatched[0].UserID)
	if err := admin.Click(ctx, "round_approve"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Approved by")
	waitText(t, left, "今回のマッチングについて", "メンティーよりメンターの参加者が多くなりました", "引き続き次のマッチングの候補")
	waitDrained(t, h)
	if n := countWith(h.fake.Messages(h.fake.DMChannel(left.ID())), "今回のマッチングについて"); n != 1 {
		t.Fatalf("told %d times", n)
	}
	if _, err := left.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	status := waitText(t, left, "今回は見つかりませんでした", "マッチング #1")
	if strings.Contains(status.Text, "承認したら、すぐにお知らせします") {
		t.Fatalf("status still promises the round to come:\n%s", status.Text)
	}
	if err := left.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, left, "ガイドライン", "今回は見つかりませんでした")
}

// The case from the demo: a junior's manager never joined and no org chart was imported.
// The preview flags the pair and asks for the org chart, and so do the admin figures.
func TestRound_ReportingLinesKnownOnlyInPartAreFlaggedUntilTheOrgChartIsImported(t *testing.T) {
	h := newHarness(t)
	h.joinDirect("UCEO00001", mentoring.RoleMentee, "経営企画部", "")
	h.joinDirect("UJUN00001", mentoring.RoleMentor, "営業部", "UMGR00009") // never joins
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Reporting line unknown above <@UMGR00009>", "reverse-mentor import-org")
	if _, err := admin.Command(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "1 participant's reporting line is known only in part", "<@UMGR00009>", "import-org")

	_, err := h.svc.ImportOrg(ctx, adminID, []mentoring.OrgPerson{
		{UserID: "UCEO00001", Department: "経営企画部"},
		{UserID: "UMGR00009", Department: "営業部", ManagerID: "UCEO00001"},
		{UserID: "UJUN00001", Department: "営業部", ManagerID: "UMGR00009"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(admin.Seen())
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	preview := waitTextAfter(t, admin, n, "Pairing round #2", "No pairs are possible", "in their reporting line")
	if strings.Contains(preview.Text, "import-org") {
		t.Fatalf("still asks for the org chart:\n%s", preview.Text)
	}
}

// A swap that lowers both pairs' scores says so, with the scores before and after, in the
// modal and in the preview.
func TestRound_SwapShowsHowTheScoresChangeAndWarnsWhenWorse(t *testing.T) {
	h := newHarness(t)
	h.joinTopics("UM1", mentoring.RoleMentor, "開発部", "", "genai", "slack")
	h.joinTopics("UM2", mentoring.RoleMentor, "経理部", "", "data")
	h.joinTopics("UE1", mentoring.RoleMentee, "営業部", "", "genai", "slack")
	h.joinTopics("UE2", mentoring.RoleMentee, "人事部", "", "data")
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Mentor <@UM1> → mentee <@UE1>", "2 shared topics", "(+20)")
	if err := admin.Click(ctx, "round_edit"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.WaitModal(ctx, "round_edit"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Submit(ctx, slackfake.Values{"edit_action": "swap", "pair_a": "0", "pair_b": "1"}); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "The proposal in your DM is updated", "20.0 + 10.0 → 0.0 + 0.0", "Both pairs now score lower")
	waitText(t, admin, "Your swap of pairs 1 and 2", "Both pairs now score lower", "Mentor <@UM1> → mentee <@UE2>")
}
