// Package chart draws the charts HR reads beside the weekly summary and the cycle report:
// PNG images with labelled axes and a legend, in Japanese or English. It takes plain
// numbers and labels and returns image bytes; it knows nothing of the programme or of
// Slack. The Japanese text is set in an embedded subset of Noto Sans CJK JP (see
// font/OFL.txt); a label with a character the font lacks falls back to the caller's
// plain-ASCII alternative.
package chart

import (
	"bytes"
	_ "embed"
	"fmt"
	"image/color"
	"math"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

//go:embed font/NotoSansJP-subset.otf
var fontData []byte

// typeface names the embedded font in a plot's own font cache.
const typeface = "NotoSansJP"

// Canvas is the size of a chart image: 1000 × 560 pixels at 96 dpi, readable inline in
// Slack and when opened.
const (
	width  = 10.4 * vg.Inch
	height = 5.8 * vg.Inch
	dpi    = 96
)

// Colours of the lines and bars, told apart by shape too (markers, hatching is not used).
var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
}

// fonts is a parsed copy of the embedded font and what it covers.
type fonts struct {
	cache *font.Cache
	sfnt  *sfnt.Font
}

// loadFonts parses the embedded font into a font cache of its own, so that no global
// state of the plotting library is touched.
func loadFonts() (*fonts, error) {
	f, err := opentype.Parse(fontData)
	if err != nil {
		return nil, fmt.Errorf("chart font: %w", err)
	}
	cache := font.NewCache(font.Collection{{Font: font.Font{Typeface: typeface}, Face: f}})
	return &fonts{cache: cache, sfnt: f}, nil
}

// covers reports whether the font has a glyph for every character of s.
func (f *fonts) covers(s string) bool {
	var buf sfnt.Buffer
	for _, r := range s {
		if r == ' ' || r == '\n' {
			continue
		}
		if i, err := f.sfnt.GlyphIndex(&buf, r); err != nil || i == 0 {
			return false
		}
	}
	return true
}

// Label is a text shown on a chart, with a plain-ASCII alternative for when the font
// lacks one of its characters (a topic named by an operator, say).
type Label struct {
	Text     string
	Fallback string
}

// pick returns the label's text if the font can draw it, else its fallback.
func (f *fonts) pick(l Label) string {
	if l.Fallback == "" || f.covers(l.Text) {
		return l.Text
	}
	return l.Fallback
}

// newPlot returns a plot whose every text uses the embedded font.
func (f *fonts) newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	h := text.Plain{Fonts: f.cache}
	style := func(s *text.Style, size vg.Length) {
		s.Handler = h
		s.Font = font.Font{Typeface: typeface, Size: size}
	}
	style(&p.Title.TextStyle, 16)
	style(&p.X.Label.TextStyle, 12)
	style(&p.Y.Label.TextStyle, 12)
	style(&p.X.Tick.Label, 11)
	style(&p.Y.Tick.Label, 11)
	style(&p.Legend.TextStyle, 12)
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, x, y
	p.Title.Padding = vg.Points(8)
	p.Legend.Top = true
	return p
}

// render draws p as a PNG.
func render(p *plot.Plot) ([]byte, error) {
	w, err := p.WriterTo(width, height, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Line is one series of a trend: a value per point, NaN where it may not be shown (too
// few people answered), which leaves a gap.
type Line struct {
	Name   Label
	Values []float64
}

// Trend is a line chart over weeks on the 1–5 scale.
type Trend struct {
	Title  string
	XLabel string
	YLabel string
	Ticks  []string // one label per point, e.g. dates
	Lines  []Line
	// Note, when set, is printed under the title (e.g. "gaps: fewer than 5 answers").
	Note string
}

// PNG draws the trend.
func (t Trend) PNG() ([]byte, error) {
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	title := t.Title
	if t.Note != "" {
		title += "\n" + t.Note
	}
	p := f.newPlot(title, t.XLabel, t.YLabel)
	p.Y.Min, p.Y.Max = 0.8, 5.4
	p.Y.Tick.Marker = plot.ConstantTicks(scaleTicks())
	p.X.Min, p.X.Max = -0.4, float64(len(t.Ticks))-0.6
	var ticks []plot.Tick
	for i, label := range t.Ticks {
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Add(plotter.NewGrid())
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{}}
	for i, l := range t.Lines {
		c := palette[i%len(palette)]
		var first plot.Thumbnailer
		for _, seg := range segments(l.Values) {
			ln, pts, err := plotter.NewLinePoints(seg)
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width = c, vg.Points(2.2)
			pts.Color, pts.Shape, pts.Radius = c, shapes[i%len(shapes)], vg.Points(4)
			p.Add(ln, pts)
			if first == nil {
				first = lineThumb{ln, pts}
			}
		}
		if first != nil {
			p.Legend.Add(f.pick(l.Name), first)
		}
	}
	return render(p)
}

// lineThumb shows a line with its marker in the legend.
type lineThumb struct {
	l *plotter.Line
	s *plotter.Scatter
}

func (t lineThumb) Thumbnail(c *draw.Canvas) {
	t.l.Thumbnail(c)
	t.s.Thumbnail(c)
}

// segments splits values at NaN into runs of points to draw as lines.
func segments(values []float64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i, v := range values {
		if math.IsNaN(v) {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: float64(i), Y: v})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// scaleTicks are the 1–5 ticks of the smile scale.
func scaleTicks() []plot.Tick {
	var t []plot.Tick
	for v := 1; v <= 5; v++ {
		t = append(t, plot.Tick{Value: float64(v), Label: fmt.Sprint(v)})
	}
	return t
}

// Bars is a grouped bar chart on the 1–5 scale: one group per subject, one bar per
// series (e.g. before and after).
type Bars struct {
	Title  string
	YLabel string
	Groups []Label     // subjects
	Series []string    // e.g. "at opt-in", "at the end"
	Values [][]float64 // Values[series][group]
}

// PNG draws the bars.
func (b Bars) PNG() ([]byte, error) {
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	p := f.newPlot(b.Title, "", b.YLabel)
	p.Y.Min, p.Y.Max = 0, 5.9
	p.Y.Tick.Marker = plot.ConstantTicks(scaleTicks())
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	n := max(1, len(b.Series))
	w := vg.Points(min(36, 520/float64(n*max(1, len(b.Groups)))))
	for i, name := range b.Series {
		if i >= len(b.Values) {
			break
		}
		bars, err := plotter.NewBarChart(plotter.Values(b.Values[i]), w)
		if err != nil {
			return nil, err
		}
		bars.Color = palette[i%len(palette)]
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(float64(i)-float64(n-1)/2) * w
		p.Add(bars)
		p.Legend.Add(name, bars)
		// The value above each bar, so the change reads without the grid.
		var xys plotter.XYs
		var texts []string
		for g, v := range b.Values[i] {
			xys = append(xys, plotter.XY{X: float64(g), Y: v})
			texts = append(texts, fmt.Sprintf("%.1f", v))
		}
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
		if err != nil {
			return nil, err
		}
		for j := range labels.TextStyle {
			labels.TextStyle[j].Handler = text.Plain{Fonts: f.cache}
			labels.TextStyle[j].Font = font.Font{Typeface: typeface, Size: 10}
			labels.TextStyle[j].XAlign = draw.XCenter
		}
		labels.Offset = vg.Point{X: bars.Offset, Y: vg.Points(4)}
		p.Add(labels)
	}
	names := make([]string, len(b.Groups))
	for i, g := range b.Groups {
		names[i] = f.pick(g)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.7, float64(len(names))-0.3
	p.X.Tick.Label.Handler = text.Plain{Fonts: f.cache}
	p.X.Tick.Label.Font = font.Font{Typeface: typeface, Size: 11}
	return render(p)
}

// Covers reports whether the embedded font can draw every character of s; a test keeps
// the chart labels of the message catalogs within it.
func Covers(s string) (bool, error) {
	f, err := loadFonts()
	if err != nil {
		return false, err
	}
	return f.covers(s), nil
}
