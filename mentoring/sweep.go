package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// SessionStore is what the session use cases (check-ins, nudges, pulses, flags, pause
// and leave) need of persistence. Each method is one transaction; the writes that send
// messages queue their notices in that same transaction.
type SessionStore interface {
	// DuePairs returns the active pairs whose next check-in window has ended at or
	// before now, with both people.
	DuePairs(ctx context.Context, now time.Time) ([]DuePair, error)
	// SaveWindows records the prompts of a pair's windows that came due, queues their
	// notices and moves the pair on to its next window, unless another sweep did so
	// first (then it changes nothing and returns false).
	SaveWindows(ctx context.Context, w WindowsDue) (bool, error)
	// DueNudges returns prompted prompts whose nudge time has come, with their pair and
	// both people.
	DueNudges(ctx context.Context, now time.Time) ([]DueNudge, error)
	// SaveNudge marks the prompt nudged (or only stamps it when notice is nil) and
	// queues notice, unless the prompt is no longer prompted.
	SaveNudge(ctx context.Context, p Prompt, at time.Time, notice *Notice) error
	// DueDeadlines returns open prompts whose answer deadline has passed.
	DueDeadlines(ctx context.Context, now time.Time) ([]Prompt, error)
	// SaveMissed marks the prompt missed, unless it was answered meanwhile, and raises
	// the flags (queuing their notices) and quiet/stall marks given.
	SaveMissed(ctx context.Context, m Missed) (bool, error)
	// PromptHistory returns the user's most recent prompts that were sent (not
	// skipped), newest first, at most n.
	PromptHistory(ctx context.Context, userID string, n int) ([]Prompt, error)
	// PairWindows returns, for the pair's windows from..to, which had a session reported
	// (a check-in saying they met) and which were excused (someone was on a break).
	PairWindows(ctx context.Context, pairID int64, from, to int) (sessions, excused map[int]bool, err error)
	// ParticipantsToResume returns paused participants whose pause ended at or before now.
	ParticipantsToResume(ctx context.Context, now time.Time) ([]Participant, error)
	// Resume makes a paused participant active again and queues notice (may be nil),
	// unless they are no longer paused (then false).
	Resume(ctx context.Context, userID string, at time.Time, notice *Notice) (bool, error)
	// Pause pauses the participant until until and withdraws the prompts, nudges and
	// pulse surveys still queued for them.
	Pause(ctx context.Context, userID string, at, until time.Time) error

	// Pair returns the pair with the ID, or ErrNotFound.
	Pair(ctx context.Context, id int64) (Pair, error)
	// OpenPrompts returns the user's prompts still waiting for an answer in the pair,
	// oldest first.
	OpenPrompts(ctx context.Context, pairID int64, userID string) ([]Prompt, error)
	// CheckIn returns the user's answer for the pair's window, or ErrNotFound.
	CheckIn(ctx context.Context, pairID int64, userID string, window int) (CheckIn, error)
	// SaveCheckIn stores a check-in (replacing the person's earlier answer for the same
	// window), marks their prompt answered, clears their quiet mark and, when they met,
	// the pair's stall; raises the flags not raised before and queues the notices. It
	// reports whether an earlier answer was replaced.
	SaveCheckIn(ctx context.Context, s CheckInSave) (bool, error)

	// SavePulses records pulse surveys sent and queues their notices; a survey already
	// recorded for the date and person is left alone with its notice.
	SavePulses(ctx context.Context, pulses []Pulse, notices []Notice) (int, error)
	// Pulse returns one person's survey of the date with its answers, or ErrNotFound.
	Pulse(ctx context.Context, date, userID string) (Pulse, error)
	// LatestPulseDate returns the date of the person's newest survey, "" when none.
	LatestPulseDate(ctx context.Context, userID string) (string, error)
	// SavePulseAnswer records an answer unless the question was answered already
	// (false), raises the flags not raised before and clears the person's quiet mark.
	SavePulseAnswer(ctx context.Context, a PulseAnswer, flags []Flag) (bool, error)

	// Flag returns the flag with the key, or ErrNotFound.
	Flag(ctx context.Context, key string) (Flag, error)
	// Flags lists flags, newest first: open ones only unless all is set.
	Flags(ctx context.Context, all bool, limit int) ([]Flag, error)
	// HandleFlag marks the flag handled by by at at and queues notices, unless it was
	// handled already (then it returns the flag as it is and false).
	HandleFlag(ctx context.Context, key, by string, at time.Time, notices []Notice) (Flag, bool, error)

	// EndPairs ends the user's active pairs, marks them left (or erases everything that
	// names them when erase is set), withdraws what was queued for them and queues
	// notices to their partners, in one transaction. It returns the pairs ended.
	Leave(ctx context.Context, userID string, at time.Time, erase bool, partnerNotices func(Pair) Notice) ([]Pair, error)
}

// DuePair is an active pair with a check-in due, and both its people.
type DuePair struct {
	Pair       Pair
	NextWindow int // the first window not yet handled
	Mentor     Participant
	Mentee     Participant
}

// DueNudge is a prompt whose nudge time has come, with its pair and both people.
type DueNudge struct {
	Prompt  Prompt
	Pair    Pair
	Person  Participant
	Partner Participant
}

// WindowsDue is what a sweep decided for one pair: the prompts of every window from
// FromWindow to the newest due, and the notices to send.
type WindowsDue struct {
	PairID     int64
	FromWindow int // compare-and-set: the pair's next window as the sweep read it
	NextWindow int
	Prompts    []DuePrompt
}

// DuePrompt is a prompt to record with the DM that asks it (nil when skipped). A store
// records it as answered instead, and sends nothing, when the person has already
// checked in for that window.
type DuePrompt struct {
	Prompt
	Notice *Notice
}

// Missed is a prompt whose deadline passed, with what it causes.
type Missed struct {
	Prompt Prompt
	At     time.Time
	Flags  []Flag // each with its notices queued if the flag is new
	// Quiet marks the user as gone quiet: no more prompts until they answer.
	Quiet bool
	// StalledSince marks the pair stalled from that window (0: not stalled).
	StalledSince int
}

// CheckInSave is a check-in to store with its consequences.
type CheckInSave struct {
	CheckIn CheckIn
	Flags   []Flag
	Notices []Notice
	// Withdraw are the keys of notices to drop if they are still queued: the prompt and
	// nudge of a window answered before they went out.
	Withdraw []string
}

// SweepResult counts what a sweep did.
type SweepResult struct {
	Resumed, Prompted, Skipped, Nudged, Missed, Flagged int
}

// Sweep is the programme's periodic pass (schedule.sweep): it ends pauses whose time
// is up, asks both people of every pair whose session window ended for a check-in,
// nudges once those who have not answered after NudgeAfter, counts unanswered prompts
// as missed at their deadline, flags to HR the pairs that stalled and the people who
// went quiet, and does the cycles' milestones (review, survey, report) that have come. Prompts and nudges are held until each recipient's working hours. Every
// step is idempotent: a sweep interrupted at any point and run again sends nothing twice.
func (s *Service) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var res SweepResult
	var errs []error
	if err := s.sweepResumes(ctx, now, &res); err != nil {
		errs = append(errs, err)
	}
	if err := s.sweepWindows(ctx, now, &res); err != nil {
		errs = append(errs, err)
	}
	if err := s.sweepNudges(ctx, now, &res); err != nil {
		errs = append(errs, err)
	}
	if err := s.sweepDeadlines(ctx, now, &res); err != nil {
		errs = append(errs, err)
	}
	if err := s.sweepCycles(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	return res, nil
}

// sweepResumes ends pauses whose time is up and welcomes the people back.
func (s *Service) sweepResumes(ctx context.Context, now time.Time, res *SweepResult) error {
	ps, err := s.sessions.ParticipantsToResume(ctx, now)
	if err != nil {
		return fmt.Errorf("resumes: %w", err)
	}
	for _, p := range ps {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := Notice{Key: fmt.Sprintf("resumed:%s:%s", p.UserID, p.PausedUntil.UTC().Format(time.RFC3339)),
			Kind: NoticeResumed, UserIDs: []string{p.UserID}, NotBefore: s.workTime(p, now)}
		ok, err := s.sessions.Resume(ctx, p.UserID, now, &n)
		if err != nil {
			return fmt.Errorf("resume %s: %w", p.UserID, err)
		}
		if ok {
			res.Resumed++
		}
	}
	return nil
}

// sweepWindows prompts both people of every pair whose window ended.
func (s *Service) sweepWindows(ctx context.Context, now time.Time, res *SweepResult) error {
	due, err := s.sessions.DuePairs(ctx, now)
	if err != nil {
		return fmt.Errorf("due pairs: %w", err)
	}
	for _, d := range due {
		if err := ctx.Err(); err != nil {
			return err
		}
		w := s.windowsDue(d, now)
		if len(w.Prompts) == 0 {
			continue
		}
		ok, err := s.sessions.SaveWindows(ctx, w)
		if err != nil {
			return fmt.Errorf("pair %d: %w", d.Pair.ID, err)
		}
		if !ok {
			continue
		}
		for _, p := range w.Prompts {
			if p.State == PromptPrompted {
				res.Prompted++
			} else {
				res.Skipped++
			}
		}
	}
	return nil
}

// windowsDue decides the prompts of a due pair: older windows found due after downtime
// are skipped (only the newest is asked about), and a person who is paused, whose
// partner is paused, who has left or gone quiet is not prompted.
func (s *Service) windowsDue(d DuePair, now time.Time) WindowsDue {
	last := d.Pair.LastDueWindow(now)
	w := WindowsDue{PairID: d.Pair.ID, FromWindow: d.NextWindow, NextWindow: last + 1}
	iv := d.Pair.Cadence.Interval()
	onBreak := paused(d.Mentor, now) || paused(d.Mentee, now)
	for n := d.NextWindow; n <= last; n++ {
		win := d.Pair.Window(n)
		nudgeAt, deadline := promptTimes(win.End, s.opts.NudgeAfter, iv)
		for _, who := range []struct {
			p       Participant
			partner string
		}{{d.Mentor, d.Mentee.UserID}, {d.Mentee, d.Mentor.UserID}} {
			pr := DuePrompt{Prompt: Prompt{PairID: d.Pair.ID, UserID: who.p.UserID, Window: n, DueAt: win.End,
				NudgeAt: nudgeAt, DeadlineAt: deadline}}
			switch {
			case n < last:
				pr.State, pr.SkipReason = PromptSkipped, SkipOld
			case who.p.Status == StatusLeft:
				pr.State, pr.SkipReason = PromptSkipped, SkipLeft
			case onBreak:
				pr.State, pr.SkipReason = PromptSkipped, SkipPaused
			case !who.p.QuietSince.IsZero():
				pr.State, pr.SkipReason = PromptSkipped, SkipQuiet
			default:
				pr.State, pr.PromptedAt = PromptPrompted, now
				data, _ := json.Marshal(PromptData{PairID: d.Pair.ID, Window: n, UserID: who.p.UserID,
					Role: who.p.Role, PartnerID: who.partner, Start: win.Start, End: win.End})
				pr.Notice = &Notice{Key: promptKey(d.Pair.ID, n, who.p.UserID),
					Kind: NoticeCheckinPrompt, UserIDs: []string{who.p.UserID}, Data: data,
					NotBefore: s.workTime(who.p, now)}
			}
			w.Prompts = append(w.Prompts, pr)
		}
	}
	return w
}

// paused reports whether p is on a break at now.
func paused(p Participant, now time.Time) bool {
	return p.Status == StatusPaused && !p.Active(now)
}

// workTime returns when a message to p may go out: now, or the start of their next
// working hours.
func (s *Service) workTime(p Participant, now time.Time) time.Time {
	t := s.opts.WorkingHours.Next(now, p.TZ, p.TZOffset)
	if !t.After(now) {
		return time.Time{}
	}
	return t
}

// sweepNudges sends the one gentle nudge to those who have not answered.
func (s *Service) sweepNudges(ctx context.Context, now time.Time, res *SweepResult) error {
	due, err := s.sessions.DueNudges(ctx, now)
	if err != nil {
		return fmt.Errorf("due nudges: %w", err)
	}
	for _, d := range due {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, who := d.Prompt, d.Person
		var n *Notice
		// No nudge once the answer is overdue (a sweep that ran late): the deadline counts it.
		if d.Pair.Status == PairActive && who.Active(now) && !paused(d.Partner, now) && who.QuietSince.IsZero() &&
			now.Before(p.DeadlineAt) {
			win := d.Pair.Window(p.Window)
			data, _ := json.Marshal(PromptData{PairID: p.PairID, Window: p.Window, UserID: p.UserID, Role: who.Role,
				PartnerID: d.Partner.UserID, Start: win.Start, End: win.End, Nudge: true})
			n = &Notice{Key: nudgeKey(p.PairID, p.Window, p.UserID), Kind: NoticeCheckinPrompt,
				UserIDs: []string{p.UserID}, Data: data, NotBefore: s.workTime(who, now)}
		}
		if err := s.sessions.SaveNudge(ctx, p, now, n); err != nil {
			return fmt.Errorf("nudge %s: %w", p.UserID, err)
		}
		if n != nil {
			res.Nudged++
		}
	}
	return nil
}

// QuietAfter is how many prompts in a row may go unanswered before the bot stops
// prompting the person and asks HR to follow up instead.
const QuietAfter = 3

// StallAfter is how many windows in a row without a reported session make a pair stalled.
const StallAfter = 2

// sweepDeadlines counts unanswered prompts as missed, and flags people who went quiet
// and pairs that stalled.
func (s *Service) sweepDeadlines(ctx context.Context, now time.Time, res *SweepResult) error {
	due, err := s.sessions.DueDeadlines(ctx, now)
	if err != nil {
		return fmt.Errorf("due deadlines: %w", err)
	}
	for _, p := range due {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := Missed{Prompt: p, At: now}
		hist, err := s.sessions.PromptHistory(ctx, p.UserID, QuietAfter)
		if err != nil {
			return fmt.Errorf("missed %s: %w", p.UserID, err)
		}
		if quietStreak(hist, p) {
			m.Quiet = true
			f := newFlag(FlagQuiet, p.UserID, p.PairID, fmt.Sprintf("w%d", p.Window),
				FlagDetail{Window: p.Window, Missed: QuietAfter}, now)
			m.Flags = append(m.Flags, f)
		}
		pair, err := s.sessions.Pair(ctx, p.PairID)
		if err != nil {
			return fmt.Errorf("missed %s: %w", p.UserID, err)
		}
		if since := s.stalledSince(ctx, pair, p.Window); since > 0 && pair.StalledSince == 0 {
			m.StalledSince = since
			m.Flags = append(m.Flags, newFlag(FlagStalled, pair.MentorID, pair.ID, fmt.Sprintf("w%d", since),
				FlagDetail{Window: p.Window, PartnerID: pair.MenteeID, Missed: StallAfter}, now))
		}
		for i := range m.Flags {
			m.Flags[i].Notices = s.flagNotices(m.Flags[i])
		}
		ok, err := s.sessions.SaveMissed(ctx, m)
		if err != nil {
			return fmt.Errorf("missed %s: %w", p.UserID, err)
		}
		if ok {
			res.Missed++
			res.Flagged += len(m.Flags)
		}
	}
	return nil
}

// quietStreak reports whether p, now missed, makes QuietAfter missed prompts in a row:
// hist is the person's newest sent prompts, p among them.
func quietStreak(hist []Prompt, p Prompt) bool {
	if len(hist) < QuietAfter {
		return false
	}
	for _, h := range hist[:QuietAfter] {
		same := h.PairID == p.PairID && h.Window == p.Window
		if !same && h.State != PromptMissed {
			return false
		}
	}
	return true
}

// stalledSince returns the first of StallAfter windows in a row, ending with window,
// in which the pair reported no session and nobody was on a break; 0 when the pair has
// not stalled.
func (s *Service) stalledSince(ctx context.Context, p Pair, window int) int {
	from := window - StallAfter + 1
	if from < 1 {
		return 0
	}
	sessions, excused, err := s.sessions.PairWindows(ctx, p.ID, from, window)
	if err != nil {
		return 0
	}
	for n := from; n <= window; n++ {
		if sessions[n] || excused[n] {
			return 0
		}
	}
	return from
}
