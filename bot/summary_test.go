package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/chart"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// sampleSummary is a summary with shown and hidden figures of every kind.
func sampleSummary() mentoring.Summary {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	end := time.Date(2026, 6, 26, 9, 0, 0, 0, tokyo)
	show := func(v float64, n int) mentoring.Shown { return mentoring.Shown{Value: v, People: n} }
	hide := mentoring.Shown{Hidden: true}
	sm := mentoring.Summary{Week: mentoring.Span{Start: end.AddDate(0, 0, -7), End: end}, K: 5,
		Joined: show(50, 50), Active: show(47, 47), Paused: show(3, 3), Left: show(0, 0), Mentors: show(34, 34),
		Mentees: show(16, 16), NewThisWeek: hide, ActivePairs: show(16, 32), StalledPairs: hide,
		SessionsDue: show(8, 16), SessionsHeld: show(6, 12), CompletionRate: show(75, 16),
		FlagsOpen: hide, FlagsHandled: show(0, 0), NewlyStalled: hide}
	for i := range mentoring.TrendWeeks {
		w := mentoring.TrendWeek{Span: mentoring.Span{Start: end.AddDate(0, 0, -7*(8-i)), End: end.AddDate(0, 0, -7*(7-i))}}
		if i < 2 {
			w.Mood, w.Safety, w.Burden = hide, hide, hide
		} else {
			w.Mood, w.Safety, w.Burden = show(3+float64(i)/10, 40), show(3.2+float64(i)/12, 40), show(3.4-float64(i)/10, 30)
		}
		sm.Trend = append(sm.Trend, w)
	}
	up, down := 0.1, -0.1
	sm.MoodDelta, sm.BurdenDelta = &up, &down
	return sm
}

func TestRender_WeeklySummaryGolden(t *testing.T) {
	cat := testCatalog(t)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, l := range mentoring.Langs {
		blocks := renderSummary(cat, l, sampleSummary(), tokyo)
		if len(blocks) > MaxMessageBlocks {
			t.Fatalf("%d blocks", len(blocks))
		}
		golden(t, "summary."+string(l), blocks)
		text := slackfake.BlocksText(slack.Blocks{BlockSet: blocks})
		for _, want := range []string{"··▅", map[mentoring.Lang]string{mentoring.LangJA: "5人未満", mentoring.LangEN: "fewer than 5"}[l]} {
			if !strings.Contains(text, want) {
				t.Errorf("%s summary lacks %q:\n%s", l, want, text)
			}
		}
	}
}

func TestSparkline_ScaleAndGaps(t *testing.T) {
	got := sparkline([]mentoring.Shown{{Value: 1}, {Value: 3}, {Hidden: true}, {Value: 5}})
	if got != "▁▅·█" {
		t.Fatalf("sparkline = %q", got)
	}
}

func TestRender_WeeklySummaryChartIsAPNG(t *testing.T) {
	cat := testCatalog(t)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, l := range mentoring.Langs {
		b, err := summaryChart(cat, l, sampleSummary(), tokyo)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 8 || string(b[1:4]) != "PNG" {
			t.Fatalf("%s chart is not a PNG", l)
		}
	}
}

// TestCatalog_ChartLabelsFitTheChartFont keeps every chart label drawable by the
// chart's embedded font, in both languages.
func TestCatalog_ChartLabelsFitTheChartFont(t *testing.T) {
	cat := testCatalog(t)
	keys, err := catalogKeys(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"K": 5, "Weeks": 8, "Name": "Spring 2026"}
	for _, k := range keys {
		if !strings.HasPrefix(k, "chart_") && k != "summary_mood" && k != "summary_safety" && k != "summary_burden" {
			continue
		}
		for _, l := range mentoring.Langs {
			s := cat.T(l, k, data)
			if ok, err := chart.Covers(s); err != nil || !ok {
				t.Errorf("%s %s %q has characters the chart font lacks (see chart/font/README.md)", l, k, s)
			}
		}
	}
}

// TestRenderFile_ChartsAreFilesAndMessagesAreNot checks the outbox's view: chart notices
// render as PNG files with names unique to their keys, other notices as messages.
func TestRenderFile_ChartsAreFilesAndMessagesAreNot(t *testing.T) {
	b := &Bot{cat: testCatalog(t), langs: fixedLang{}, profiles: catalogueOnly{}}
	data, _ := json.Marshal(mentoring.SummaryData{Summary: sampleSummary()})
	name, title, png, isFile, err := b.RenderFile(context.Background(), mentoring.Notice{Key: "summary:2026-06-26T00:00:00Z:chart",
		Kind: mentoring.NoticeSummaryChart, Channel: "CHR", Data: data})
	if err != nil || !isFile || name != "summary-2026-06-26T00-00-00Z-chart.png" || title == "" || string(png[1:4]) != "PNG" {
		t.Fatalf("chart: %q %q %v %v", name, title, isFile, err)
	}
	if _, _, _, isFile, _ := b.RenderFile(context.Background(), mentoring.Notice{Key: "x", Kind: mentoring.NoticeSummary}); isFile {
		t.Fatal("a summary post is a message, not a file")
	}
}

// fixedLang speaks Japanese to everyone.
type fixedLang struct{ Languages }

func (fixedLang) DefaultLanguage() mentoring.Lang { return mentoring.LangJA }

// catalogueOnly offers the built-in topic catalogue.
type catalogueOnly struct{ Profiles }

func (catalogueOnly) Catalogue() mentoring.Catalogue { return mentoring.DefaultCatalogue() }
