package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// RenderFile turns the chart notices into PNG files for the outbox to upload: the
// weekly summary's trend chart and a cycle report's before/after chart, in the
// programme's language. name is unique to the notice. Other notices are messages
// (isFile false).
func (b *Bot) RenderFile(_ context.Context, n mentoring.Notice) (name, title string, content []byte, isFile bool, err error) {
	lang := b.langs.DefaultLanguage()
	name = strings.NewReplacer(":", "-", "+", "", " ", "-").Replace(n.Key) + ".png"
	switch n.Kind {
	case mentoring.NoticeSummaryChart:
		var d mentoring.SummaryData
		if err := json.Unmarshal(n.Data, &d); err != nil {
			return "", "", nil, true, fmt.Errorf("render %s: %w", n.Key, err)
		}
		png, err := summaryChart(b.cat, lang, d.Summary, d.Summary.Week.End.Location())
		if err != nil {
			return "", "", nil, true, fmt.Errorf("render %s: %w", n.Key, err)
		}
		return name, b.cat.T(lang, "chart_trend_title", map[string]any{"Weeks": len(d.Summary.Trend)}), png, true, nil
	case mentoring.NoticeReportChart:
		var d mentoring.ReportData
		if err := json.Unmarshal(n.Data, &d); err != nil {
			return "", "", nil, true, fmt.Errorf("render %s: %w", n.Key, err)
		}
		png, err := reportChart(b.cat, lang, d.Report, b.profiles.Catalogue())
		if err != nil {
			return "", "", nil, true, fmt.Errorf("render %s: %w", n.Key, err)
		}
		return name, b.cat.T(lang, "chart_effect_title_plain", nil), png, true, nil
	}
	return "", "", nil, false, nil
}
