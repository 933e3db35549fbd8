package mentoring

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Table is one exported table: a file name, a header row and rows of text cells.
type Table struct {
	Name   string // file name, e.g. "checkins.csv"
	Header []string
	Rows   [][]string
}

// WriteCSV writes the table as CSV. A cell that a spreadsheet would read as a formula
// (starting with =, +, -, @, a tab or a carriage return) is written with a leading
// apostrophe, so opening the export can never run what someone typed.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	row := make([]string, len(t.Header))
	for _, r := range t.Rows {
		for i := range row {
			row[i] = ""
			if i < len(r) {
				row[i] = NeutraliseCell(r[i])
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// NeutraliseCell defuses a CSV cell against spreadsheet formula injection.
func NeutraliseCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// ExportStore is what the export needs of persistence.
type ExportStore interface {
	// ExportData reads everything the export contains. Private notes are not read.
	ExportData(ctx context.Context) (ExportData, error)
}

// ExportData is the raw content of an export.
type ExportData struct {
	Participants []Participant
	Pairs        []Pair
	Prompts      []Prompt
	CheckIns     []CheckIn // PrivateNote is always empty
	Pulses       []Pulse
}

// Export returns the programme's data as tables for an HR admin: participants, pairs,
// sessions, check-ins and pulse answers. Private notes are never part of it.
func (s *Service) Export(ctx context.Context, by string) ([]Table, error) {
	if err := s.requireAdmin(by); err != nil {
		return nil, err
	}
	return s.ExportAll(ctx)
}

// ExportAll is Export for the operator's command line, which needs no admin.
func (s *Service) ExportAll(ctx context.Context) ([]Table, error) {
	d, err := s.exports.ExportData(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return []Table{participantTable(d), pairTable(d), sessionTable(d), checkInTable(d), pulseTable(d)}, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func itoa(n int) string { return strconv.Itoa(n) }

func participantTable(d ExportData) Table {
	t := Table{Name: "participants.csv", Header: []string{"user_id", "display_name", "role", "department", "manager_id",
		"topics", "free_topics", "languages", "cadence", "capacity", "status", "paused_until", "joined_at"}}
	for _, p := range d.Participants {
		langs := make([]string, len(p.Languages))
		for i, l := range p.Languages {
			langs[i] = string(l)
		}
		t.Rows = append(t.Rows, []string{p.UserID, p.DisplayName, string(p.Role), p.Department, p.ManagerID,
			strings.Join(p.Topics, " "), p.FreeTopics, strings.Join(langs, " "), string(p.Cadence), itoa(p.Capacity),
			string(p.Status), stamp(p.PausedUntil), stamp(p.JoinedAt)})
	}
	return t
}

func pairTable(d ExportData) Table {
	t := Table{Name: "pairs.csv", Header: []string{"pair_id", "round_id", "mentor_id", "mentee_id", "status", "cadence",
		"score", "shared_topics", "created_at", "ended_at", "stalled_since_window"}}
	for _, p := range d.Pairs {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(p.ID, 10), strconv.FormatInt(p.RoundID, 10), p.MentorID,
			p.MenteeID, string(p.Status), string(p.Cadence), strconv.FormatFloat(p.Score, 'f', 1, 64),
			strings.Join(p.SharedTopics, " "), stamp(p.CreatedAt), stamp(p.EndedAt), itoa(p.StalledSince)})
	}
	return t
}

// sessionTable has one row per pair and window that came due: when, and whether a
// session was reported.
func sessionTable(d ExportData) Table {
	t := Table{Name: "sessions.csv", Header: []string{"pair_id", "window", "due_at", "held", "mentor_answer", "mentee_answer"}}
	pairs := map[int64]Pair{}
	for _, p := range d.Pairs {
		pairs[p.ID] = p
	}
	type key struct {
		pair int64
		win  int
	}
	held := map[key]bool{}
	for _, c := range d.CheckIns {
		if c.Session() {
			held[key{c.PairID, c.Window}] = true
		}
	}
	seen := map[key]bool{}
	state := map[key]map[string]PromptState{}
	var order []key
	for _, p := range d.Prompts {
		k := key{p.PairID, p.Window}
		if !seen[k] {
			seen[k] = true
			order = append(order, k)
			state[k] = map[string]PromptState{}
		}
		state[k][p.UserID] = p.State
	}
	for _, k := range order {
		pr := pairs[k.pair]
		t.Rows = append(t.Rows, []string{strconv.FormatInt(k.pair, 10), itoa(k.win), stamp(pr.Window(k.win).End),
			strconv.FormatBool(held[k]), string(state[k][pr.MentorID]), string(state[k][pr.MenteeID])})
	}
	return t
}

func checkInTable(d ExportData) Table {
	t := Table{Name: "checkins.csv", Header: []string{"pair_id", "user_id", "role", "window", "met", "met_on", "rating",
		"burden", "hard_to_speak", "topics", "topics_free", "learned", "contact_hr", "created_at", "updated_at"}}
	for _, c := range d.CheckIns {
		metOn := ""
		if !c.MetOn.IsZero() {
			metOn = c.MetOn.Format(time.DateOnly)
		}
		t.Rows = append(t.Rows, []string{strconv.FormatInt(c.PairID, 10), c.UserID, string(c.Role), itoa(c.Window),
			string(c.Met), metOn, itoa(c.Rating), itoa(c.Burden), strconv.FormatBool(c.HardToSpeak),
			strings.Join(c.Topics, " "), c.TopicsFree, c.Learned, strconv.FormatBool(c.ContactHR),
			stamp(c.CreatedAt), stamp(c.UpdatedAt)})
	}
	return t
}

func pulseTable(d ExportData) Table {
	t := Table{Name: "pulses.csv", Header: []string{"date", "user_id", "role", "question", "value"}}
	for _, p := range d.Pulses {
		for _, q := range PulseQuestions(p.Role) {
			v, ok := p.Answers[q]
			if !ok {
				continue
			}
			t.Rows = append(t.Rows, []string{p.Date, p.UserID, string(p.Role), string(q), itoa(v)})
		}
	}
	return t
}
