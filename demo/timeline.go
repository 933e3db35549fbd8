package demo

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// note is a line of the story: a scene's heading (before what happens in it) or an
// outcome (after).
type note struct {
	at      time.Time
	seq     int
	text    string
	heading bool
}

// line is one line of the timeline: a note, or something a person did or saw.
type line struct {
	at   time.Time
	rank int // at one instant: headings, then what people did and saw, then outcomes
	seq  int
	note *note
	e    *slackfake.Entry
}

// timeline merges the story's notes with what people did and saw, in the order they
// happened. Entries at one simulated instant keep the fake's order, which is the order
// of the script's steps, so the same seed gives the same timeline.
func (s *script) timeline() []line {
	var out []line
	for i := range s.notes {
		n := &s.notes[i]
		rank := 2
		if n.heading {
			rank = 0
		}
		out = append(out, line{at: n.at, rank: rank, seq: n.seq, note: n})
	}
	for _, e := range s.fake.Entries() {
		out = append(out, line{at: e.SimAt, rank: 1, seq: int(e.Seq), e: &e})
	}
	slices.SortStableFunc(out, func(a, b line) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	return out
}

// writeTimeline prints the dated timeline across people, a heading per week, one line
// per thing that happened. Times are in the programme's time zone.
func (s *script) writeTimeline(w io.Writer) {
	lines := s.timeline()
	next := 0
	opened := map[string]bool{} // people who just opened their App Home
	for week := 1; week <= s.weeks; week++ {
		from := s.day(week, time.Monday, 0, 0)
		to := from.AddDate(0, 0, 7)
		fmt.Fprintf(w, "\n══ %s ══\n", say(s.lang, "week", week,
			stamp(s.lang, "date_format", from), stamp(s.lang, "date_format", to.AddDate(0, 0, -1))))
		var week []line
		for ; next < len(lines) && lines[next].at.Before(to); next++ {
			if s.worthALine(lines[next], opened) {
				week = append(week, lines[next])
			}
		}
		if len(week) == 0 {
			fmt.Fprintf(w, "  %s\n", say(s.lang, "quiet_week"))
		}
		s.writeLines(w, week)
	}
	var rest []line
	for ; next < len(lines); next++ {
		if s.worthALine(lines[next], opened) {
			rest = append(rest, lines[next])
		}
	}
	s.writeLines(w, rest)
}

// writeLines prints lines, folding a person's taps on one pulse survey into one line.
func (s *script) writeLines(w io.Writer, lines []line) {
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if tap, ok := pulseTap(l); ok {
			taps := []string{tap}
			for i+1 < len(lines) {
				next, ok := pulseTap(lines[i+1])
				if !ok || lines[i+1].e.UserID != l.e.UserID {
					break
				}
				taps = append(taps, next)
				i++
			}
			fmt.Fprintf(w, "%s  %s ▸ %s\n", stamp(s.lang, "time_format", l.at.In(s.loc)),
				s.label(l.e.UserID, l.e.Name), say(s.lang, "pulse_taps", strings.Join(taps, " ")))
			continue
		}
		s.writeLine(w, l)
	}
}

// pulseTap returns the face of a tap on a pulse survey's smile scale.
func pulseTap(l line) (string, bool) {
	if l.e == nil || l.e.Kind != "action" || !strings.HasPrefix(l.e.Text, "clicked [") {
		return "", false
	}
	face, _, _ := strings.Cut(strings.TrimPrefix(l.e.Text, "clicked ["), " ")
	for _, f := range []string{"😣", "😟", "😐", "🙂", "😄"} {
		if face == f {
			return face, true
		}
	}
	return "", false
}

// worthALine leaves out of the timeline what would only repeat itself: App Home
// refreshes nobody asked to see (the bot republishes a person's Home after most changes;
// only a Home the person opened is shown), and a pulse survey turning to its next
// question after each tap (the taps are shown). The per-person transcript keeps
// everything.
func (s *script) worthALine(l line, opened map[string]bool) bool {
	if l.e == nil {
		return true
	}
	switch {
	case l.e.Kind == "action":
		opened[l.e.UserID] = strings.Contains(l.e.Text, "Home")
	case l.e.Kind == "home":
		was := opened[l.e.UserID]
		opened[l.e.UserID] = false
		return was
	case l.e.Kind == "message_update" && isPulse(l.e.Text):
		return false
	}
	return true
}

// isPulse reports whether a message is a pulse survey.
func isPulse(text string) bool {
	t := firstLine(text)
	return strings.Contains(t, "パルスサーベイ") || strings.Contains(t, "Pulse survey")
}

// writeLine prints one line of the timeline.
func (s *script) writeLine(w io.Writer, l line) {
	at := stamp(s.lang, "time_format", l.at.In(s.loc))
	switch {
	case l.note != nil && l.note.heading:
		fmt.Fprintf(w, "%s  ▶ %s\n", at, l.note.text)
	case l.note != nil:
		fmt.Fprintf(w, "%s    → %s\n", at, l.note.text)
	default:
		e := l.e
		who := s.label(e.UserID, e.Name)
		if e.Kind == "action" {
			fmt.Fprintf(w, "%s  %s ▸ %s\n", at, who, clip(describeAct(s.lang, firstLine(e.Text)), 90))
			return
		}
		fmt.Fprintf(w, "%s  %s ◂ %s\n", at, who, clip(seenSummary(s.lang, e), 100))
	}
}

// label names a person in the timeline, with their role in the story.
func (s *script) label(id, name string) string {
	m, ok := s.members[id]
	if !ok {
		return name
	}
	return name + " (" + m.role(s.lang) + ")"
}

// seenSummary is one line saying what a person was shown.
func seenSummary(lang mentoring.Lang, e *slackfake.Entry) string {
	where := e.Channel
	if names, ok := strings.CutPrefix(where, "group DM with "); ok {
		where = say(lang, "seen_group", names)
	}
	switch e.Kind {
	case "home":
		return say(lang, "seen_home") + ": " + firstLine(e.Text)
	case "modal_open":
		return say(lang, "seen_form") + " " + firstLine(e.Text)
	case "modal_push":
		return say(lang, "seen_form_new") + " " + firstLine(e.Text)
	case "modal_update":
		return say(lang, "seen_form_upd") + " " + firstLine(e.Text)
	case "modal_errors":
		return "⚠ " + say(lang, "seen_errors") + ": " + oneLine(e.Text)
	case "ephemeral":
		where = say(lang, "seen_reply")
	case "message_update":
		where = say(lang, "seen_updated", where)
	}
	if where == "" {
		where = e.Kind
	}
	return where + ": " + firstLine(e.Text)
}

// describeAct says what a person did in the story's language. The fake Slack records
// acts in English ("clicked [Approve]"); the labels and values inside stay as the person
// saw them.
func describeAct(lang mentoring.Lang, act string) string {
	if act == "opened the Home tab" {
		return say(lang, "act_home")
	}
	if label, ok := strings.CutPrefix(act, "clicked ["); ok {
		return say(lang, "act_clicked", strings.TrimSuffix(label, "]"))
	}
	if title, ok := strings.CutPrefix(act, "closed "); ok {
		return say(lang, "act_closed", unquote(lang, title))
	}
	if rest, ok := strings.CutPrefix(act, "submitted "); ok {
		title, values := rest, ""
		if i := strings.Index(rest, "\": "); i >= 0 {
			title, values = rest[:i+1], rest[i+1:]
		}
		return say(lang, "act_submitted", unquote(lang, title), values)
	}
	if what, ok := strings.CutPrefix(act, "picked "); ok {
		return say(lang, "act_picked", what)
	}
	return act
}

// unquote turns a Go-quoted title into one in the quotes of the story's language.
func unquote(lang mentoring.Lang, q string) string {
	s, err := strconv.Unquote(q)
	if err != nil {
		return q
	}
	if lang == mentoring.LangJA {
		return "「" + s + "」"
	}
	return "“" + s + "”"
}

// writeTranscripts writes what each person saw and did, in full, person by person:
// only people who saw or did something, each under one heading, in their own time zone.
func (s *script) writeTranscripts(w io.Writer) {
	byPerson := map[string][]slackfake.Entry{}
	for _, e := range s.fake.Entries() {
		byPerson[e.UserID] = append(byPerson[e.UserID], e)
	}
	for _, m := range s.org.Members {
		es := byPerson[m.ID]
		if len(es) == 0 {
			continue
		}
		fmt.Fprintf(w, "════ %s · %s · %s · %s · %s\n", m.Name, m.Department, m.role(s.lang), m.Locale, m.TZ)
		loc := s.zone(m.TZ)
		for _, e := range es {
			at := stamp(s.lang, "time_format", e.SimAt.In(loc))
			if e.Kind == "action" {
				fmt.Fprintf(w, "%s  > %s\n", at, e.Text)
				continue
			}
			head := e.Kind
			if e.Channel != "" {
				head += " · " + e.Channel
			}
			if e.From != "" {
				head += " · " + e.From
			}
			fmt.Fprintf(w, "%s  %s\n", at, head)
			for l := range strings.SplitSeq(e.Text, "\n") {
				if strings.TrimSpace(l) != "" {
					fmt.Fprintf(w, "      %s\n", l)
				}
			}
		}
		fmt.Fprintln(w)
	}
}

// firstLine returns the first non-empty line of s.
func firstLine(s string) string {
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// oneLine joins the lines of s with " / ".
func oneLine(s string) string {
	var parts []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " / ")
}

// clip cuts s to n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
