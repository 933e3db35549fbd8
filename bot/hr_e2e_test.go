package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// hrChannel is the HR channel of the tests that post summaries and reports.
const hrChannel = "CHR000001"

// withHRChannel sets program.hr_channel.
func withHRChannel() harnessOption {
	return withConfig(func(c *app.Config) { c.Program.HRChannel = hrChannel })
}

// What the HR channel's posts say, as tests look for them.
const (
	summaryJA = "週次サマリー"
	reportJA  = "期のレポート"
)

// channelPosts returns the texts of the messages in a channel that contain every part.
func (h *harness) channelPosts(channel string, parts ...string) []string {
	var out []string
	for _, m := range h.fake.Messages(channel) {
		text := slackfake.BlocksText(m.Blocks) + "\n" + m.Text
		if !m.Deleted && containsAll(text, parts...) {
			out = append(out, text)
		}
	}
	return out
}

// pngFiles returns the PNG files uploaded to a channel whose names contain part.
func (h *harness) pngFiles(channel, part string) []slackfake.File {
	var out []slackfake.File
	for _, f := range h.fake.Files() {
		if f.Channel == channel && strings.Contains(f.Name, part) && strings.HasSuffix(f.Name, ".png") &&
			len(f.Bytes) > 8 && string(f.Bytes[1:4]) == "PNG" {
			out = append(out, f)
		}
	}
	return out
}

// cohort has six mentors and six mentees join and pairs them weekly; it returns the
// twelve user IDs, mentors first.
func (h *harness) cohort() []string {
	h.t.Helper()
	h.runAt(start)
	var ids []string
	for i := range 6 {
		ids = append(ids, fmt.Sprintf("UMENTOR%02d", i))
		h.joinAs(ids[i], mentoring.RoleMentor, "開発部", "ja-JP", mentoring.CadenceWeekly)
	}
	for i := range 6 {
		ids = append(ids, fmt.Sprintf("UMENTEE%02d", i))
		h.joinAs(ids[6+i], mentoring.RoleMentee, "営業部", "ja-JP", mentoring.CadenceWeekly)
	}
	if pairs := h.pairUp(); len(pairs) != 6 {
		h.t.Fatalf("%d pairs", len(pairs))
	}
	return ids
}

// checkInAll has everyone in the cohort answer their first check-in, with free text
// that must never reach a channel.
func (h *harness) checkInAll(ids []string, secret string) {
	h.t.Helper()
	ctx := context.Background()
	for i, id := range ids {
		pairs, err := h.db.PairsOf(ctx, id)
		if err != nil || len(pairs) != 1 {
			h.t.Fatalf("pairs of %s: %v %v", id, pairs, err)
		}
		c := mentoring.CheckIn{PairID: pairs[0].ID, Window: 1, Met: mentoring.MetYes, Rating: 3 + i%2,
			Learned: secret + " learned", PrivateNote: secret + " note"}
		if i < 6 {
			c.Burden, c.Learned, c.TopicsFree = 2, "", secret+" topics"
		}
		if _, err := h.svc.RecordCheckIn(ctx, id, c); err != nil {
			h.t.Fatal(err)
		}
	}
}

func TestSummary_WeeklyJobPostsOncePerWeekWithItsChartEvenAcrossARestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withHRChannel())
	h.fake.AddChannel(hrChannel, "hr-reverse-mentoring", adminID)
	ids := h.cohort()
	h.runAt(start.Add(7 * day)) // Monday 13 April: the first check-ins are due
	h.checkInAll(ids, "ひみつの内容")

	// Friday 17 April, 09:00 in Tokyo: the weekly summary's slot.
	friday := start.Add(11 * day)
	h.runAt(friday)
	posts := h.channelPosts(hrChannel, summaryJA)
	if len(posts) != 1 {
		t.Fatalf("%d summaries after the first slot", len(posts))
	}
	if files := h.pngFiles(hrChannel, "summary"); len(files) != 1 {
		t.Fatalf("%d summary charts after the first slot: %+v", len(files), h.fake.Files())
	}
	for _, want := range []string{"4/10〜4/17", "参加 12人", "メンター 6人", "ペア 6組", "開発部 6", "負担感", "5人未満"} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("the summary lacks %q:\n%s", want, posts[0])
		}
	}
	// Published figures only: no name, no mention, none of what people wrote.
	for _, text := range append(posts, h.fake.Files()[0].Name, h.fake.Files()[0].Title) {
		for _, leak := range []string{"UMENTOR", "UMENTEE", "<@", "ひみつ"} {
			if strings.Contains(text, leak) {
				t.Fatalf("the HR channel shows %q:\n%s", leak, text)
			}
		}
	}

	// A restart after the post, and the job's slot seen again: nothing is posted twice.
	h.restart()
	h.runAt(friday.Add(2 * 3600e9))
	if n, f := len(h.channelPosts(hrChannel, summaryJA)), len(h.pngFiles(hrChannel, "summary")); n != 1 || f != 1 {
		t.Fatalf("after a restart: %d summaries, %d charts", n, f)
	}
	// The next Friday: the second week's summary.
	h.runAt(friday.Add(7 * day))
	if n, f := len(h.channelPosts(hrChannel, summaryJA, "4/17〜4/24")), len(h.pngFiles(hrChannel, "summary")); n != 1 || f != 2 {
		t.Fatalf("the second week: %d summaries of it, %d charts in all", n, f)
	}
	if n := len(h.channelPosts(hrChannel, summaryJA)); n != 2 {
		t.Fatalf("%d summaries in two weeks", n)
	}
}

func TestSummary_AdminPostsItNowAndOthersAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withHRChannel())
	h.fake.AddChannel(hrChannel, "hr-reverse-mentoring", adminID)
	admin := h.user(adminID, "HR", "ja-JP")
	ids := h.cohort()
	ctx := ctxT(t)

	mentor := h.fake.Person(ids[0])
	if _, err := mentor.Command(ctx, "admin summary"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, refusedJA)
	h.settle()
	if n := len(h.channelPosts(hrChannel, summaryJA)); n != 0 {
		t.Fatalf("a participant's command posted %d summaries", n)
	}

	if _, err := admin.Command(ctx, "管理 サマリー"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "人事用チャンネルに送りました")
	h.settle()
	// Nobody has answered a pulse survey yet: the summary comes without an empty chart.
	if n, f := len(h.channelPosts(hrChannel, summaryJA, "参加 12人")), len(h.pngFiles(hrChannel, "summary")); n != 1 || f != 0 {
		t.Fatalf("on request: %d summaries, %d charts", n, f)
	}
}

func TestSummary_NoHRChannelIsToldToTheAdmin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "en-US")
	if _, err := admin.Command(ctxT(t), "admin summary"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "No HR channel is set (program.hr_channel)")
}
