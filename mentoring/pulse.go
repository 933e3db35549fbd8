package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// PulseQuestion is one question of a pulse survey.
type PulseQuestion string

// The questions of a pulse survey, asked one tap at a time in this order: mood, then
// psychological safety with the partner, then (mentors only) burden.
const (
	PulseMood   PulseQuestion = "mood"
	PulseSafety PulseQuestion = "safety"
	PulseBurden PulseQuestion = "burden"
)

// Valid reports whether q is a known question.
func (q PulseQuestion) Valid() bool { return q == PulseMood || q == PulseSafety || q == PulseBurden }

// PulseQuestions returns the questions asked of someone in role, in order.
func PulseQuestions(role Role) []PulseQuestion {
	if role == RoleMentor {
		return []PulseQuestion{PulseMood, PulseSafety, PulseBurden}
	}
	return []PulseQuestion{PulseMood, PulseSafety}
}

// Pulse is one survey sent to one person: its date (the survey's slot, in the
// programme's time zone, as YYYY-MM-DD) and their answers so far.
type Pulse struct {
	Date    string
	UserID  string
	Role    Role
	SentAt  time.Time
	Answers map[PulseQuestion]int
}

// Next returns the first question not yet answered, and false when all are.
func (p Pulse) Next() (PulseQuestion, bool) {
	for _, q := range PulseQuestions(p.Role) {
		if _, ok := p.Answers[q]; !ok {
			return q, true
		}
	}
	return "", false
}

// PulseAnswer is one tap on a pulse survey.
type PulseAnswer struct {
	Date       string
	UserID     string
	Question   PulseQuestion
	Value      int
	AnsweredAt time.Time
}

// PulseData is the payload of a pulse notice: a DM to one person.
type PulseData struct {
	Date   string `json:"date"`
	UserID string `json:"user_id"`
	Role   Role   `json:"role"`
}

// PulseResult tells what a tap did.
type PulseResult struct {
	Pulse Pulse
	// Recorded is false when the question had been answered already: the first answer
	// stands and the person is told so.
	Recorded bool
	// Late is true for a tap on an older survey than the person's latest.
	Late bool
}

func pulseKey(date, userID string) string { return fmt.Sprintf("pulse:%s:%s", date, userID) }

// pulseFlags returns the flags one pulse answer raises.
func pulseFlags(a PulseAnswer, role Role, now time.Time) []Flag {
	d := FlagDetail{PulseDate: a.Date, Role: role}
	scope := "p" + a.Date
	switch {
	case a.Question == PulseMood && a.Value <= MoodFlagAt:
		d.Mood = a.Value
		return []Flag{newFlag(FlagMood, a.UserID, 0, scope, d, now)}
	case a.Question == PulseSafety && a.Value <= SafetyFlagAt:
		d.Safety = a.Value
		return []Flag{newFlag(FlagSafety, a.UserID, 0, scope, d, now)}
	case a.Question == PulseBurden && a.Value >= BurdenFlagAt:
		d.Burden = a.Value
		return []Flag{newFlag(FlagBurden, a.UserID, 0, scope, d, now)}
	}
	return nil
}

// SendPulses sends the pulse survey of the slot (schedule.pulse) to everyone taking part
// now: active, in a pair, not on a break and not gone quiet. The survey's date is the
// slot's date in the programme's time zone, so the same slot always makes the same
// surveys; each DM is held until its recipient's working hours. It returns how many
// surveys were new.
func (s *Service) SendPulses(ctx context.Context, slot time.Time) (int, error) {
	now := s.clock.Now()
	date := slot.In(s.opts.Location).Format(time.DateOnly)
	ps, err := s.rounds.ListParticipants(ctx, StatusActive)
	if err != nil {
		return 0, fmt.Errorf("send pulses: %w", err)
	}
	pairs, err := s.rounds.ActivePairs(ctx)
	if err != nil {
		return 0, fmt.Errorf("send pulses: %w", err)
	}
	paired := make(map[string]bool, 2*len(pairs))
	for _, p := range pairs {
		paired[p.MentorID], paired[p.MenteeID] = true, true
	}
	var pulses []Pulse
	var notices []Notice
	for _, p := range ps {
		if !paired[p.UserID] || !p.QuietSince.IsZero() || !p.Active(now) {
			continue
		}
		pulses = append(pulses, Pulse{Date: date, UserID: p.UserID, Role: p.Role, SentAt: now})
		data, _ := json.Marshal(PulseData{Date: date, UserID: p.UserID, Role: p.Role})
		notices = append(notices, Notice{Key: pulseKey(date, p.UserID), Kind: NoticePulse,
			UserIDs: []string{p.UserID}, Data: data, NotBefore: s.workTime(p, now)})
	}
	n, err := s.sessions.SavePulses(ctx, pulses, notices)
	if err != nil {
		return 0, fmt.Errorf("send pulses: %w", err)
	}
	return n, nil
}

// RecordPulse records one tap on a pulse survey: the answer to question on the survey of
// date. A second tap on the same question, or any tap on a survey the person was not
// sent, changes nothing; a tap on an older survey still counts, once. What a tap
// reveals (a mood of 1, a low sense of safety, a heavy burden) is flagged to HR.
func (s *Service) RecordPulse(ctx context.Context, userID, date string, q PulseQuestion, value int) (PulseResult, error) {
	if !q.Valid() || value < ScaleMin || value > ScaleMax {
		return PulseResult{}, &Error{Code: EINVALID, MessageKey: "pulse_invalid"}
	}
	p, err := s.sessions.Pulse(ctx, date, userID)
	if errors.Is(err, ErrNotFound) {
		return PulseResult{}, &Error{Code: ENOTFOUND, MessageKey: "pulse_unknown"}
	}
	if err != nil {
		return PulseResult{}, fmt.Errorf("record pulse: %w", err)
	}
	if !slices.Contains(PulseQuestions(p.Role), q) {
		return PulseResult{}, &Error{Code: EINVALID, MessageKey: "pulse_invalid"}
	}
	latest, err := s.sessions.LatestPulseDate(ctx, userID)
	if err != nil {
		return PulseResult{}, fmt.Errorf("record pulse: %w", err)
	}
	res := PulseResult{Late: latest != "" && date < latest}
	if _, done := p.Answers[q]; done {
		res.Pulse = p
		return res, nil
	}
	now := s.clock.Now()
	a := PulseAnswer{Date: date, UserID: userID, Question: q, Value: value, AnsweredAt: now}
	flags := pulseFlags(a, p.Role, now)
	for i := range flags {
		flags[i].Notices = s.flagNotices(flags[i])
	}
	res.Recorded, err = s.sessions.SavePulseAnswer(ctx, a, flags)
	if err != nil {
		return PulseResult{}, fmt.Errorf("record pulse: %w", err)
	}
	if p.Answers == nil {
		p.Answers = map[PulseQuestion]int{}
	}
	if res.Recorded {
		p.Answers[q] = value
	} else if fresh, err := s.sessions.Pulse(ctx, date, userID); err == nil {
		p = fresh
	}
	res.Pulse = p
	return res, nil
}
