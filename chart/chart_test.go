package chart

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestTrend_DrawsAPNGWithJapaneseLabels(t *testing.T) {
	tr := Trend{Title: "今日の気分・心理的安全性・負担感（直近8週）", XLabel: "週", YLabel: "平均（1〜5）",
		Ticks: []string{"5/1", "5/8", "5/15", "5/22", "5/29", "6/5", "6/12", "6/19"},
		Lines: []Line{
			{Name: Label{Text: "今日の気分"}, Values: []float64{math.NaN(), 3.4, 3.6, 3.5, 3.8, 3.9, 3.7, 4.0}},
			{Name: Label{Text: "心理的安全性"}, Values: []float64{math.NaN(), 3.1, 3.3, 3.6, 3.6, 3.8, 4.1, 4.2}},
			{Name: Label{Text: "負担感"}, Values: []float64{math.NaN(), 2.9, 3.2, math.NaN(), 3.6, 3.1, 2.8, 2.6}},
		},
		Note: "空白：回答が5人未満の週",
	}
	b, err := tr.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() < 900 || r.Dy() < 500 {
		t.Fatalf("size %v", r)
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		os.WriteFile(filepath.Join(dir, "trend.png"), b, 0o644)
	}
}

func TestBars_DrawsBeforeAndAfter(t *testing.T) {
	b := Bars{Title: "Effect: self-rated confidence", YLabel: "mean (1–5)",
		Groups: []Label{{Text: "Leading a senior"}, {Text: "仕事での生成AI活用"}, {Text: "𠮷野家の使い方", Fallback: "yoshinoya"}},
		Series: []string{"at opt-in", "at the end"},
		Values: [][]float64{{2.1, 2.4, 3}, {3.6, 3.9, 3.2}}}
	out, err := b.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		os.WriteFile(filepath.Join(dir, "bars.png"), out, 0o644)
	}
}

func TestFonts_FallBackWhenAGlyphIsMissing(t *testing.T) {
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	if !f.covers("負担感 Mood 1–5") {
		t.Error("the font should cover the product's labels")
	}
	if got := f.pick(Label{Text: "𠮷", Fallback: "yoshi"}); got != "yoshi" {
		t.Errorf("pick = %q", got)
	}
}
