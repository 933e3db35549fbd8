package storetest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// promptRow is one check-in prompt as the history leaves it.
type promptRow struct {
	mentoring.Prompt
	who    *person
	dm     outboxRow // the DM that asks it
	answer time.Time // when the person answers; zero when they do not
}

// simulatePair lives the pair's windows that ended by the last sweep, as the sweeps, the
// people's answers and their breaks made them, and writes the pair's prompts and
// check-ins.
func (w *world) simulatePair(ps *pairState, out *sink) {
	rng := rand.New(rand.NewPCG(uint64(ps.ID), 7))
	var prompts []*promptRow
	var checkins []mentoring.CheckIn
	for n := 1; ; n++ {
		win := ps.Window(n)
		if win.End.After(w.until) {
			ps.next = n
			break
		}
		p, c := w.window(ps, win, rng)
		prompts, checkins = append(prompts, p...), append(checkins, c...)
	}
	w.expect(ps, prompts)
	// In primary key order, as the bulk insert is fastest.
	slices.SortFunc(prompts, func(a, b *promptRow) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.Window, b.Window))
	})
	for _, p := range prompts {
		out.prompt(p.Prompt)
	}
	slices.SortFunc(checkins, func(a, b mentoring.CheckIn) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.Window, b.Window))
	})
	for _, c := range checkins {
		out.checkin(c)
	}
}

// window lives one window: both people prompted (or skipped) by the sweep after it
// ended, nudged, answering, pausing, or missing the deadline.
func (w *world) window(ps *pairState, win mentoring.Window, rng *rand.Rand) ([]*promptRow, []mentoring.CheckIn) {
	iv := ps.Cadence.Interval()
	n := win.N
	s := slotAfter(win.End)
	nudgeAt, deadline := promptTimes(win.End, w.spec.NudgeAfter, iv)
	sN, sD := slotAfter(nudgeAt), slotAfter(deadline)
	onBreak := ps.mentor.pausedAt(s) || ps.mentee.pausedAt(s)
	met := pickMet(rng)
	var rows []*promptRow
	// The mentee first: the deadline sweep takes prompts in user ID order.
	for _, who := range []*person{ps.mentee, ps.mentor} {
		r := &promptRow{who: who, Prompt: mentoring.Prompt{PairID: ps.ID, UserID: who.p.UserID, Window: n,
			DueAt: win.End, NudgeAt: nudgeAt, DeadlineAt: deadline}}
		rows = append(rows, r)
		switch {
		case onBreak:
			r.State, r.SkipReason = mentoring.PromptSkipped, mentoring.SkipPaused
			ps.excused[n] = true
			continue
		case who.quietAt(s):
			r.State, r.SkipReason = mentoring.PromptSkipped, mentoring.SkipQuiet
			continue
		}
		r.State, r.PromptedAt = mentoring.PromptPrompted, s
		r.dm = outboxRow{key: fmt.Sprintf("checkin:%d:%d:%s", ps.ID, n, who.p.UserID), kind: mentoring.NoticeCheckinPrompt,
			user: who.p.UserID, data: w.promptData(ps, win, who, false, false), at: s, notBefore: w.workTime(who, s)}
		w.queue(r.dm)
		r.answer = w.answerTime(who, n, later(s, r.dm.notBefore), nudgeAt, sN, deadline, rng)
		who.sent = append(who.sent, mentoring.PromptPrompted)
	}
	var checkins []mentoring.CheckIn
	for _, r := range rows {
		if r.State != mentoring.PromptPrompted {
			continue
		}
		who := r.who
		never := w.until.Add(time.Nanosecond)
		answer, pause, missed := never, never, never
		if !r.answer.IsZero() && !r.answer.After(w.until) {
			answer = r.answer
		}
		if who.pause.from.After(s) && !who.pause.from.After(w.until) {
			pause = who.pause.from
		}
		if pause.Before(answer) {
			answer = never // they went on a break instead
		}
		if !sD.After(w.until) {
			missed = sD
		}
		closed := earliest(answer, pause, missed)
		if !sN.After(w.until) && sN.Before(closed) {
			// The nudge, or only its stamp when it is not to be sent.
			r.State = mentoring.PromptNudged
			if !who.pausedAt(sN) && !who.partner.pausedAt(sN) && sN.Before(deadline) {
				r.NudgedAt = sN
				w.queue(outboxRow{key: fmt.Sprintf("nudge:%d:%d:%s", ps.ID, n, who.p.UserID), kind: mentoring.NoticeCheckinPrompt,
					user: who.p.UserID, data: w.promptData(ps, win, who, true, false), at: sN, notBefore: w.workTime(who, sN)})
			}
		}
		switch {
		case closed.Equal(never):
		case closed.Equal(answer):
			r.State, r.AnsweredAt = mentoring.PromptAnswered, answer
			who.sent[len(who.sent)-1] = mentoring.PromptAnswered
			checkins = append(checkins, w.checkIn(ps, win, r.dm, met, answer, rng))
		case closed.Equal(pause):
			r.State, r.SkipReason = mentoring.PromptSkipped, mentoring.SkipPaused
			who.sent = who.sent[:len(who.sent)-1]
			ps.excused[n] = true
		}
	}
	for _, r := range rows {
		if r.State != mentoring.PromptPrompted && r.State != mentoring.PromptNudged || sD.After(w.until) {
			continue
		}
		r.State = mentoring.PromptMissed
		r.who.sent[len(r.who.sent)-1] = mentoring.PromptMissed
		w.missed(ps, r, sD)
	}
	return rows, checkins
}

// missed raises what a missed prompt causes, as the deadline sweep at at does: the person
// gone quiet after three misses in a row, the pair stalled after two windows without a
// session.
func (w *world) missed(ps *pairState, r *promptRow, at time.Time) {
	who, n := r.who, r.Window
	if who.missedInRow() >= mentoring.QuietAfter && who.quiet.IsZero() {
		who.quiet = at
		w.flag(newFlag(mentoring.FlagQuiet, who.p.UserID, ps.ID, fmt.Sprintf("w%d", n),
			mentoring.FlagDetail{Window: n, Missed: mentoring.QuietAfter}, at))
	}
	from := n - mentoring.StallAfter + 1
	if from < 1 || ps.StalledSince != 0 {
		return
	}
	for k := from; k <= n; k++ {
		if ps.session[k] || ps.excused[k] {
			return
		}
	}
	ps.StalledSince = from
	w.flag(newFlag(mentoring.FlagStalled, ps.MentorID, ps.ID, fmt.Sprintf("w%d", from),
		mentoring.FlagDetail{Window: n, PartnerID: ps.MenteeID, Missed: mentoring.StallAfter}, at))
}

// answerTime decides when who answers the prompt of window n that reached them at
// reached: before the nudge, after it, or never (zero). Someone who stopped answering
// never does; anyone else misses now and then, but never three in a row.
func (w *world) answerTime(who *person, n int, reached, nudgeAt, sN, deadline time.Time, rng *rand.Rand) time.Time {
	if who.stopAt > 0 && n >= who.stopAt {
		return time.Time{}
	}
	x := rng.Float64()
	if who.missedInRow() >= 2 {
		x *= 0.85
	}
	const margin = 20 * time.Minute
	switch {
	case x < 0.62:
		return between(rng, reached.Add(margin), nudgeAt.Add(-margin))
	case x < 0.85:
		return between(rng, sN.Add(margin), deadline.Add(-margin))
	}
	return time.Time{}
}

// pickMet decides whether a pair met in a window.
func pickMet(rng *rand.Rand) mentoring.Met {
	switch x := rng.Float64(); {
	case x < 0.72:
		return mentoring.MetYes
	case x < 0.9:
		return mentoring.MetRescheduled
	}
	return mentoring.MetNotYet
}

// checkIn is the answer about the window of the person prompt asked, given at at, with
// the flags it raises, the rewrite of the prompt, and the pair's session and stall as it
// changes them.
func (w *world) checkIn(ps *pairState, win mentoring.Window, prompt outboxRow, met mentoring.Met, at time.Time, rng *rand.Rand) mentoring.CheckIn {
	who := ps.mentor
	if prompt.user == ps.MenteeID {
		who = ps.mentee
	}
	c := mentoring.CheckIn{PairID: ps.ID, UserID: who.p.UserID, Role: who.p.Role, Window: win.N, Met: met,
		CreatedAt: at, UpdatedAt: at}
	if met == mentoring.MetYes {
		c.MetOn = win.Start.Add(ps.Cadence.Interval() / 2).UTC().Truncate(24 * time.Hour)
		c.Rating = 3 + rng.IntN(3)
		if rng.IntN(20) == 0 {
			c.Rating = 1 + rng.IntN(2)
		}
		ps.session[win.N] = true
		ps.StalledSince = 0
	}
	if who.p.Role == mentoring.RoleMentor {
		c.Burden = pick(rng, []float64{0.25, 0.40, 0.28, 0.05, 0.02})
		c.HardToSpeak = rng.IntN(100) == 0
		if met == mentoring.MetYes {
			c.Topics = ps.SharedTopics
		}
	} else if met == mentoring.MetYes {
		c.Learned = "How the team uses the tools day to day, and what to try next."
	}
	if rng.IntN(200) == 0 {
		c.ContactHR, c.PrivateNote = true, "Could someone from HR get in touch with me?"
	}
	d := mentoring.FlagDetail{Window: win.N, PartnerID: who.partner.p.UserID, Role: c.Role, Rating: c.Rating,
		Burden: c.Burden, HardToSpeak: c.HardToSpeak, Met: c.Met, ContactHR: c.ContactHR}
	scope := fmt.Sprintf("w%d", win.N)
	if c.ContactHR {
		d.Note = c.PrivateNote
		w.flag(newFlag(mentoring.FlagContact, c.UserID, ps.ID, scope, d, at))
	}
	if c.Burden >= mentoring.BurdenFlagAt {
		w.flag(newFlag(mentoring.FlagBurden, c.UserID, ps.ID, scope, d, at))
	}
	if c.HardToSpeak {
		w.flag(newFlag(mentoring.FlagSafety, c.UserID, ps.ID, scope, d, at))
	}
	w.queue(outboxRow{key: prompt.key + ":answered", kind: mentoring.NoticeCheckinPrompt, user: who.p.UserID,
		replaces: prompt.key, replacedSent: prompt.sentAt(), data: w.promptData(ps, win, who, false, true), at: at})
	return c
}

// pick returns 1..len(weights) with those weights.
func pick(rng *rand.Rand, weights []float64) int {
	x := rng.Float64()
	for i, p := range weights {
		if x < p {
			return i + 1
		}
		x -= p
	}
	return len(weights)
}

// promptData is the payload of a prompt, nudge or answered rewrite to who.
func (w *world) promptData(ps *pairState, win mentoring.Window, who *person, nudge, answered bool) string {
	data, _ := json.Marshal(mentoring.PromptData{PairID: ps.ID, Window: win.N, UserID: who.p.UserID, Role: who.p.Role,
		PartnerID: who.partner.p.UserID, Start: win.Start, End: win.End, Nudge: nudge, Answered: answered})
	return string(data)
}

// expect counts what a sweep at Now finds of the pair: its next window due, prompts
// whose nudge or deadline came.
func (w *world) expect(ps *pairState, prompts []*promptRow) {
	now := w.spec.Now
	if !ps.Window(ps.next).End.After(now) {
		w.due.Pairs++
		onBreak := ps.mentor.pausedAt(now) || ps.mentee.pausedAt(now)
		for _, who := range []*person{ps.mentor, ps.mentee} {
			if !onBreak && who.quiet.IsZero() {
				w.due.Prompts++
			}
		}
	}
	for _, who := range []*person{ps.mentor, ps.mentee} {
		if who.pause.until.After(w.until) && !who.pause.until.After(now) {
			w.due.Resumes++
		}
	}
	for _, p := range prompts {
		if p.State == mentoring.PromptPrompted && !p.NudgeAt.After(now) {
			w.due.Nudges++
		}
		if p.Open() && !p.DeadlineAt.After(now) {
			w.due.Deadlines++
		}
	}
}
