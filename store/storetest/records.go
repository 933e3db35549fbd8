package storetest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// outboxRow is a notice as it was queued, and how the outbox left it.
type outboxRow struct {
	key, kind, user, channel, data, replaces string
	at, notBefore                            time.Time // queued at; held until
	// replacedSent is when the message replaces names was posted: a rewrite is marked
	// sent as that message, which it updates in place.
	replacedSent time.Time
}

// sentAt is when the sender posted the row: a moment after it became due.
func (r outboxRow) sentAt() time.Time {
	h := fnv.New32a()
	h.Write([]byte(r.key))
	return later(r.at, r.notBefore).Add(200*time.Millisecond + time.Duration(h.Sum32()%3000)*time.Millisecond)
}

// queue records a notice queued during the history. Rows sent before the outbox's
// retention were pruned and are dropped; rows held past the last sweep are still
// pending.
func (w *world) queue(r outboxRow) {
	if r.sentAt().Before(w.until.Add(-OutboxRetention)) {
		return
	}
	if r.data == "" {
		r.data = "null"
	}
	w.outbox = append(w.outbox, r)
}

// dmChannel is the DM channel of a person, as Slack named it when the first DM went out.
func dmChannel(userID string) string { return "D" + strings.TrimPrefix(userID, "U") }

// flagRow is a follow-up flag and what HR did with it.
type flagRow struct {
	mentoring.Flag
	detail string
}

// newFlag mirrors mentoring's: one flag per cause, subject and scope.
func newFlag(cause mentoring.FlagCause, userID string, pairID int64, scope string, d mentoring.FlagDetail, at time.Time) mentoring.Flag {
	return mentoring.Flag{Key: fmt.Sprintf("%s:%s:%d:%s", cause, userID, pairID, scope), Cause: cause,
		UserID: userID, PairID: pairID, Detail: d, CreatedAt: at}
}

// flag raises f: a DM to every HR admin, and most flags handled within days by one of
// them, which rewrites every admin's copy.
func (w *world) flag(f mentoring.Flag) {
	h := fnv.New64a()
	h.Write([]byte(f.Key))
	rng := rand.New(rand.NewPCG(h.Sum64(), 3))
	handled := rng.Float64() < 0.5
	if f.CreatedAt.Before(w.until.Add(-14 * 24 * time.Hour)) {
		handled = rng.Float64() < 0.9
	}
	if at := between(rng, f.CreatedAt.Add(2*time.Hour), f.CreatedAt.Add(72*time.Hour)); handled && !at.After(w.until) {
		f.HandledBy, f.HandledAt = w.spec.Admins[rng.IntN(len(w.spec.Admins))], at
	}
	detail, _ := json.Marshal(f.Detail)
	w.flags = append(w.flags, flagRow{Flag: f, detail: string(detail)})
	for _, admin := range w.spec.Admins {
		data, _ := json.Marshal(mentoring.FlagData{FlagKey: f.Key, AdminID: admin})
		orig := outboxRow{key: "flag:" + f.Key + ":" + admin, kind: mentoring.NoticeFlag, user: admin, data: string(data),
			at: f.CreatedAt}
		w.queue(orig)
		if f.Handled() {
			w.queue(outboxRow{key: orig.key + ":handled", kind: mentoring.NoticeFlag, user: admin, data: string(data),
				replaces: orig.key, replacedSent: orig.sentAt(), at: f.HandledAt})
		}
	}
}

// pulses sends who the weekly pulse surveys of the history, as the pulse job did (not on
// a break, not gone quiet), and records their answers and the flags these raise.
func (w *world) pulses(who *person, out *sink) {
	s := w.spec
	h := fnv.New64a()
	h.Write([]byte(who.p.UserID))
	rng := rand.New(rand.NewPCG(h.Sum64(), 5))
	created := who.pair.CreatedAt.In(s.Location)
	slot := time.Date(created.Year(), created.Month(), created.Day(), s.PulseHour, 0, 0, 0, s.Location)
	for slot.Weekday() != s.PulseWeekday || slot.Before(created) {
		slot = slot.AddDate(0, 0, 1)
	}
	var stopped time.Time
	if who.stopAt > 0 {
		stopped = who.pair.Window(who.stopAt).Start
	}
	for ; !slot.After(w.until); slot = slot.AddDate(0, 0, 7) {
		if who.pausedAt(slot) || who.quietAt(slot) {
			continue
		}
		date := slot.Format(time.DateOnly)
		out.pulse(who.p.UserID, date, who.p.Role, slot)
		data, _ := json.Marshal(mentoring.PulseData{Date: date, UserID: who.p.UserID, Role: who.p.Role})
		w.queue(outboxRow{key: fmt.Sprintf("pulse:%s:%s", date, who.p.UserID), kind: mentoring.NoticePulse,
			user: who.p.UserID, data: string(data), at: slot, notBefore: w.workTime(who, slot)})
		at := between(rng, slot.Add(5*time.Minute), slot.Add(30*time.Hour))
		if rng.Float64() >= who.pulseRate || at.After(w.until) || !stopped.IsZero() && at.After(stopped) ||
			who.pause.from.After(slot) && !at.Before(who.pause.from) {
			continue
		}
		for i, q := range mentoring.PulseQuestions(who.p.Role) {
			a := mentoring.PulseAnswer{Date: date, UserID: who.p.UserID, Question: q, AnsweredAt: at.Add(time.Duration(i) * 7 * time.Second)}
			d := mentoring.FlagDetail{PulseDate: date, Role: who.p.Role}
			var cause mentoring.FlagCause
			switch q {
			case mentoring.PulseMood:
				a.Value = pick(rng, []float64{0.008, 0.06, 0.30, 0.43, 0.202})
				if a.Value <= mentoring.MoodFlagAt {
					cause, d.Mood = mentoring.FlagMood, a.Value
				}
			case mentoring.PulseSafety:
				a.Value = pick(rng, []float64{0.004, 0.016, 0.18, 0.45, 0.35})
				if a.Value <= mentoring.SafetyFlagAt {
					cause, d.Safety = mentoring.FlagSafety, a.Value
				}
			case mentoring.PulseBurden:
				a.Value = pick(rng, []float64{0.25, 0.40, 0.28, 0.05, 0.02})
				if a.Value >= mentoring.BurdenFlagAt {
					cause, d.Burden = mentoring.FlagBurden, a.Value
				}
			}
			out.pulseAnswer(a)
			if cause != "" {
				w.flag(newFlag(cause, who.p.UserID, 0, "p"+date, d, a.AnsweredAt))
			}
		}
	}
}

// ratings records who's self-ratings at opt-in.
func (w *world) ratings(who *person, out *sink) {
	for i, sub := range mentoring.RatingSubjects(who.p.Profile) {
		out.rating(mentoring.SelfRating{UserID: who.p.UserID, Subject: sub, Phase: mentoring.PhaseStart,
			Value: 1 + (len(who.p.UserID)+i+int(who.pair.ID))%4, At: who.p.JoinedAt})
	}
}

// cycleNotices queues the DMs and posts of the cycles' milestones, and records the
// answers to their surveys.
func (w *world) cycleNotices(out *sink) {
	s := w.spec
	joined := len(w.people)
	for _, c := range w.cycles {
		for _, m := range c.done {
			switch m.name {
			case mentoring.MilestoneReview:
				for _, admin := range s.Admins {
					data, _ := json.Marshal(mentoring.ReviewData{CycleID: c.ID, Name: c.Name, AdminID: admin,
						Pairs: len(w.pairs)})
					w.queue(outboxRow{key: fmt.Sprintf("cycle_review:%d:%s", c.ID, admin), kind: mentoring.NoticeCycleReview,
						user: admin, data: string(data), at: m.at})
				}
			case mentoring.MilestoneSurvey:
				w.surveys(c, m.at, out)
			case mentoring.MilestoneReport:
				data, _ := json.Marshal(mentoring.ReportData{Report: mentoring.CycleReport{Cycle: c.Cycle, K: 5,
					Joined: mentoring.Shown{Value: float64(joined)}}})
				key := fmt.Sprintf("cycle_report:%d", c.ID)
				w.queue(outboxRow{key: key, kind: mentoring.NoticeCycleReport, channel: s.HRChannel, data: string(data), at: m.at})
				w.queue(outboxRow{key: key + ":chart", kind: mentoring.NoticeReportChart, channel: s.HRChannel,
					data: string(data), at: m.at})
			}
		}
	}
}

// surveys invites everyone who had joined by at to the cycle's survey, and records the
// answers of those who gave one by the last sweep, with their ratings at the end.
func (w *world) surveys(c cyclePlan, at time.Time, out *sink) {
	rng := rand.New(rand.NewPCG(uint64(c.ID), 11))
	for _, who := range w.people {
		if who.p.JoinedAt.After(at) {
			continue
		}
		data, _ := json.Marshal(mentoring.SurveyData{CycleID: c.ID, UserID: who.p.UserID, Name: c.Name})
		w.queue(outboxRow{key: fmt.Sprintf("cycle_survey:%d:%s", c.ID, who.p.UserID), kind: mentoring.NoticeCycleSurvey,
			user: who.p.UserID, data: string(data), at: at, notBefore: w.workTime(who, at)})
		answered := between(rng, at.Add(time.Hour), at.Add(13*24*time.Hour))
		if rng.Float64() >= w.spec.SurveyAnswer || answered.After(w.until) {
			continue
		}
		a := mentoring.CycleSurvey{CycleID: c.ID, UserID: who.p.UserID, Role: who.p.Role, JoinAgain: rng.IntN(11),
			Reflection: "Learned to explain what I do every day, and to listen.", AnsweredAt: answered}
		if rng.IntN(10) == 0 {
			a.JoinAgain = -1
		}
		out.survey(a)
		for i, sub := range mentoring.RatingSubjects(who.p.Profile) {
			out.rating(mentoring.SelfRating{UserID: who.p.UserID, Subject: sub, Phase: mentoring.PhaseEnd, CycleID: c.ID,
				Value: min(5, 2+(i+int(c.ID)+rng.IntN(3))%4), At: answered})
		}
	}
}

// resumes queues the welcome back of those whose break the sweep ended.
func (w *world) resumes() {
	for _, who := range w.people {
		if who.resumed.IsZero() {
			continue
		}
		w.queue(outboxRow{key: fmt.Sprintf("resumed:%s:%s", who.p.UserID, who.pause.until.UTC().Format(time.RFC3339)),
			kind: mentoring.NoticeResumed, user: who.p.UserID, at: who.resumed, notBefore: w.workTime(who, who.resumed)})
	}
}
