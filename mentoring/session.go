package mentoring

import (
	"fmt"
	"time"
)

// A pair meets in session windows: the first window starts at the intro (the pair's
// CreatedAt) and each lasts one interval of the pair's cadence. When a window ends, a
// check-in is due for it: both people are asked how the session went.

// Window is one session window of a pair, numbered from 1.
type Window struct {
	N          int
	Start, End time.Time // End is when its check-in falls due
}

// String names the window for logs.
func (w Window) String() string {
	return fmt.Sprintf("window %d (%s–%s)", w.N, w.Start.Format(time.DateOnly), w.End.Format(time.DateOnly))
}

// Window returns the pair's n-th session window (n ≥ 1).
func (p Pair) Window(n int) Window {
	iv := p.Cadence.Interval()
	start := p.CreatedAt.Add(time.Duration(n-1) * iv)
	return Window{N: n, Start: start, End: start.Add(iv)}
}

// WindowAt returns the number of the window that contains t: 1 for the first interval
// after the intro (and anything before it), 2 for the next, and so on.
func (p Pair) WindowAt(t time.Time) int {
	if !t.After(p.CreatedAt) {
		return 1
	}
	return int(t.Sub(p.CreatedAt)/p.Cadence.Interval()) + 1
}

// LastDueWindow returns the number of the latest window whose check-in is due at now
// (its end is at or before now), or 0 when none is due yet.
func (p Pair) LastDueWindow(now time.Time) int {
	if now.Before(p.CreatedAt) {
		return 0
	}
	return int(now.Sub(p.CreatedAt) / p.Cadence.Interval())
}

// NextCheckIn returns when the next check-in of the pair falls due after now.
func (p Pair) NextCheckIn(now time.Time) time.Time {
	return p.Window(p.LastDueWindow(now) + 1).End
}

// PromptState is where a check-in prompt to one person for one window stands.
type PromptState string

// Prompt states. A prompt is created when its window ends: prompted (a DM was queued) or
// skipped (the person was paused, had left, or has gone quiet). A prompted one is nudged
// once, then answered, or missed when its answer deadline passes; a missed prompt can
// still be answered late.
const (
	PromptPrompted PromptState = "prompted"
	PromptNudged   PromptState = "nudged"
	PromptAnswered PromptState = "answered"
	PromptMissed   PromptState = "missed"
	PromptSkipped  PromptState = "skipped"
)

// Why a prompt was skipped.
const (
	SkipPaused = "paused" // the person, or their partner, was on a break
	SkipLeft   = "left"   // the person had left
	SkipQuiet  = "quiet"  // three prompts in a row went unanswered: HR follows up instead
	SkipOld    = "old"    // an older window found due after downtime: only the newest is asked
)

// Prompt is one person's check-in request for one window of one pair.
type Prompt struct {
	PairID     int64
	UserID     string
	Window     int
	State      PromptState
	SkipReason string    // for PromptSkipped
	DueAt      time.Time // the window's end
	NudgeAt    time.Time // when the one nudge goes out if still unanswered
	DeadlineAt time.Time // after it an unanswered prompt counts as missed
	PromptedAt time.Time
	NudgedAt   time.Time
	AnsweredAt time.Time
}

// Open reports whether the prompt still waits for an answer.
func (p Prompt) Open() bool { return p.State == PromptPrompted || p.State == PromptNudged }

// promptTimes returns when a prompt for a window ending at due is nudged and when it is
// missed: the nudge nudgeAfter after it falls due, the deadline as long again after the
// nudge, but never later than the end of the next window.
func promptTimes(due time.Time, nudgeAfter, interval time.Duration) (nudgeAt, deadline time.Time) {
	nudgeAt = due.Add(nudgeAfter)
	deadline = due.Add(min(2*nudgeAfter, interval))
	if !deadline.After(nudgeAt) {
		nudgeAt = due.Add(min(nudgeAfter, interval/2))
	}
	return nudgeAt, deadline
}

// Keys of the notices a check-in cycle sends; each is sent at most once.
func promptKey(pairID int64, window int, userID string) string {
	return fmt.Sprintf("checkin:%d:%d:%s", pairID, window, userID)
}

func nudgeKey(pairID int64, window int, userID string) string {
	return fmt.Sprintf("nudge:%d:%d:%s", pairID, window, userID)
}

// PromptData is the payload of a check-in prompt or nudge: a DM to one person of a pair.
type PromptData struct {
	PairID    int64     `json:"pair_id"`
	Window    int       `json:"window"`
	UserID    string    `json:"user_id"`
	Role      Role      `json:"role"`
	PartnerID string    `json:"partner_id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Nudge     bool      `json:"nudge,omitempty"`
	// Answered rewrites the prompt in place once the person has answered.
	Answered bool `json:"answered,omitempty"`
}
