package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Met says whether a pair met in a session window.
type Met string

// Answers to "did you meet?".
const (
	MetYes         Met = "yes"
	MetRescheduled Met = "rescheduled"
	MetNotYet      Met = "not_yet"
)

// Valid reports whether m is a known answer.
func (m Met) Valid() bool { return m == MetYes || m == MetRescheduled || m == MetNotYet }

// The smile scale: 1 (😣 very hard) to 5 (😄 very good) for how a session went and for
// mood; for burden 1 is light and 5 very heavy.
const (
	ScaleMin = 1
	ScaleMax = 5
)

// Limits on check-in text, checked on the server whatever the Slack client enforced.
const (
	MaxNoteLen    = 3000 // runes of the private note
	MaxLearnedLen = 3000 // runes of what a mentee learned
	MaxTopicsLen  = 500  // runes of topics written freely
)

// CheckIn is one person's answer about one session window of their pair. Mentors answer
// the full form; mentees a lighter one (no burden, no topics).
type CheckIn struct {
	PairID int64
	UserID string
	Role   Role
	Window int

	Met   Met
	MetOn time.Time // the day they met, when Met is yes; midnight UTC of that date
	// Rating is how the session went on the smile scale; 0 when not given.
	Rating int
	// Burden is how heavy guiding a senior felt (mentors), 1 light to 5 very heavy; 0
	// when not given.
	Burden int
	// HardToSpeak: something made it hard to speak freely (mentors).
	HardToSpeak bool
	Topics      []string // catalogue topics covered (mentors)
	TopicsFree  string   // other topics covered, free text (mentors)
	Learned     string   // what the mentee learned (mentees)
	// PrivateNote is for HR admins only: never shown to the partner, never exported, and
	// shown in a follow-up flag only when the person asked HR to contact them.
	PrivateNote string
	ContactHR   bool

	CreatedAt, UpdatedAt time.Time
}

// Normalize tidies the free text of a check-in and drops values that do not apply to
// the person's role.
func (c CheckIn) Normalize() CheckIn {
	c.TopicsFree = CleanText(c.TopicsFree)
	c.Learned = CleanText(c.Learned)
	c.PrivateNote = CleanText(c.PrivateNote)
	topics := make([]string, 0, len(c.Topics))
	for _, t := range c.Topics {
		if t != "" && !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	c.Topics = topics
	if c.Role == RoleMentee {
		c.Burden, c.HardToSpeak, c.Topics, c.TopicsFree = 0, false, nil, ""
	} else {
		c.Learned = ""
	}
	if c.Met != MetYes {
		c.MetOn = time.Time{}
	} else if !c.MetOn.IsZero() {
		y, m, d := c.MetOn.Date()
		c.MetOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return c
}

// Validate checks a normalized check-in for a pair that started on pairStart, answered
// at now. Field names match the check-in modal's blocks: met, met_on, rating, burden,
// topics, topics_free, learned, note.
func (c CheckIn) Validate(catalogue Catalogue, pairStart, now time.Time) FieldErrors {
	errs := FieldErrors{}
	if !c.Met.Valid() {
		errs["met"] = "checkin_error_met"
	}
	if c.Met == MetYes && !c.MetOn.IsZero() {
		first := pairStart.UTC().Truncate(24 * time.Hour)
		// People in time zones ahead of UTC may date a session a day after UTC's today.
		if c.MetOn.Before(first) || c.MetOn.After(now.Add(24*time.Hour)) {
			errs["met_on"] = "checkin_error_date"
		}
	}
	if c.Rating != 0 && (c.Rating < ScaleMin || c.Rating > ScaleMax) {
		errs["rating"] = "checkin_error_scale"
	}
	if c.Met == MetYes && c.Rating == 0 {
		errs["rating"] = "checkin_error_rating"
	}
	if c.Burden != 0 && (c.Burden < ScaleMin || c.Burden > ScaleMax) {
		errs["burden"] = "checkin_error_scale"
	}
	for _, t := range c.Topics {
		if _, ok := catalogue.Topic(t); !ok {
			errs["topics"] = "join_error_topic_unknown"
		}
	}
	if utf8.RuneCountInString(c.TopicsFree) > MaxTopicsLen {
		errs["topics_free"] = "checkin_error_long"
	}
	if utf8.RuneCountInString(c.Learned) > MaxLearnedLen {
		errs["learned"] = "checkin_error_long"
	}
	if utf8.RuneCountInString(c.PrivateNote) > MaxNoteLen {
		errs["note"] = "checkin_error_long"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Session reports whether the check-in says the pair met in its window.
func (c CheckIn) Session() bool { return c.Met == MetYes }

// CheckInForm is what the check-in modal shows one person: the pair and window it is
// about, their role, the topics the pair shares, and their earlier answer when they are
// editing it.
type CheckInForm struct {
	Pair      Pair
	Window    Window
	Role      Role
	PartnerID string
	Previous  *CheckIn // nil for a first answer
}

// answeredKey is the key of the notice that updates a check-in prompt in place once it
// is answered.
func answeredKey(pairID int64, window int, userID string) string {
	return promptKey(pairID, window, userID) + ":answered"
}

// CheckInForm returns what the check-in modal shows userID about pair pairID. window 0
// means "the one to answer now": the oldest window still waiting for their answer, else
// the window they are in. Someone who is not in the pair gets EFORBIDDEN; a pair that
// ended can still be answered for the windows it lived.
func (s *Service) CheckInForm(ctx context.Context, userID string, pairID int64, window int) (CheckInForm, error) {
	pair, err := s.sessions.Pair(ctx, pairID)
	if errors.Is(err, ErrNotFound) {
		return CheckInForm{}, &Error{Code: ENOTFOUND, MessageKey: "checkin_pair_gone"}
	}
	if err != nil {
		return CheckInForm{}, fmt.Errorf("check-in form: %w", err)
	}
	if !pair.Has(userID) {
		return CheckInForm{}, &Error{Code: EFORBIDDEN, MessageKey: "checkin_not_yours"}
	}
	now := s.clock.Now()
	if window <= 0 {
		open, err := s.sessions.OpenPrompts(ctx, pairID, userID)
		if err != nil {
			return CheckInForm{}, fmt.Errorf("check-in form: %w", err)
		}
		window = pair.WindowAt(now)
		if len(open) > 0 {
			window = open[0].Window
		}
	}
	if last := pair.lastWindow(now); window > last {
		window = last
	}
	f := CheckInForm{Pair: pair, Window: pair.Window(window), Role: RoleMentee, PartnerID: pair.Partner(userID)}
	if pair.MentorID == userID {
		f.Role = RoleMentor
	}
	prev, err := s.sessions.CheckIn(ctx, pairID, userID, window)
	switch {
	case err == nil:
		f.Previous = &prev
	case !errors.Is(err, ErrNotFound):
		return CheckInForm{}, fmt.Errorf("check-in form: %w", err)
	}
	return f, nil
}

// lastWindow is the newest window a check-in may be about: the one the pair is in now,
// or its last one when it has ended.
func (p Pair) lastWindow(now time.Time) int {
	if p.Status == PairEnded && !p.EndedAt.IsZero() && p.EndedAt.Before(now) {
		now = p.EndedAt
	}
	return max(1, p.WindowAt(now))
}

// CheckCheckIn normalizes and validates a check-in without saving it, so a modal
// submission can be answered with inline errors inside Slack's acknowledgement window.
// It needs no database: pairStart is the pair's start, carried by the modal.
func (s *Service) CheckCheckIn(c CheckIn, pairStart time.Time) (CheckIn, FieldErrors) {
	c = c.Normalize()
	return c, c.Validate(s.opts.Catalogue, pairStart, s.clock.Now())
}

// CheckInResult tells what RecordCheckIn did.
type CheckInResult struct {
	CheckIn CheckIn
	Updated bool // an earlier answer for the same window was replaced
	Flagged int  // follow-up flags raised for HR
}

// RecordCheckIn stores userID's answer about a window of their pair. A session dated in
// another window (a late answer) counts for the window it belongs to; answering a window
// again replaces the earlier answer. The prompt DM is rewritten to say it was answered,
// and what needs HR's attention (a heavy burden, something that made it hard to speak,
// "please contact me") is flagged to the HR admins privately.
func (s *Service) RecordCheckIn(ctx context.Context, userID string, c CheckIn) (CheckInResult, error) {
	pair, err := s.sessions.Pair(ctx, c.PairID)
	if errors.Is(err, ErrNotFound) {
		return CheckInResult{}, &Error{Code: ENOTFOUND, MessageKey: "checkin_pair_gone"}
	}
	if err != nil {
		return CheckInResult{}, fmt.Errorf("record check-in: %w", err)
	}
	if !pair.Has(userID) {
		return CheckInResult{}, &Error{Code: EFORBIDDEN, MessageKey: "checkin_not_yours"}
	}
	now := s.clock.Now()
	c.UserID, c.Role = userID, RoleMentee
	if pair.MentorID == userID {
		c.Role = RoleMentor
	}
	c, errs := s.CheckCheckIn(c, pair.CreatedAt)
	if errs != nil {
		return CheckInResult{}, &Error{Code: EINVALID, MessageKey: "checkin_error_invalid", Data: map[string]any{"Fields": errs}}
	}
	last := pair.lastWindow(now)
	if c.Met == MetYes && !c.MetOn.IsZero() {
		c.Window = pair.WindowAt(c.MetOn)
	}
	c.Window = min(max(c.Window, 1), last)
	c.CreatedAt, c.UpdatedAt = now, now
	flags := checkInFlags(c, pair.Partner(userID), now)
	for i := range flags {
		flags[i].Notices = s.flagNotices(flags[i])
	}
	save := CheckInSave{CheckIn: c, Flags: flags, Notices: []Notice{{
		Key: answeredKey(pair.ID, c.Window, userID), Kind: NoticeCheckinPrompt, UserIDs: []string{userID},
		Replaces: promptKey(pair.ID, c.Window, userID), Data: s.answeredData(pair, c),
	}}, Withdraw: []string{promptKey(pair.ID, c.Window, userID), nudgeKey(pair.ID, c.Window, userID)}}
	updated, err := s.sessions.SaveCheckIn(ctx, save)
	if err != nil {
		return CheckInResult{}, fmt.Errorf("record check-in: %w", err)
	}
	return CheckInResult{CheckIn: c, Updated: updated, Flagged: len(flags)}, nil
}

// answeredData is the payload that rewrites a prompt DM once it is answered.
func (s *Service) answeredData(p Pair, c CheckIn) json.RawMessage {
	win := p.Window(c.Window)
	data, _ := json.Marshal(PromptData{PairID: p.ID, Window: c.Window, UserID: c.UserID, Role: c.Role,
		PartnerID: p.Partner(c.UserID), Start: win.Start, End: win.End, Answered: true})
	return data
}
