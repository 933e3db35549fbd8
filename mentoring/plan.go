package mentoring

import (
	"context"
	"time"
)

// planStore stands in for the session store in a dry run (`run --dry-run`): reads go to
// the real store, and writes only collect the notices they would have queued.
type planStore struct {
	SessionStore
	notices []Notice
}

func (p *planStore) SaveWindows(_ context.Context, w WindowsDue) (bool, error) {
	for _, pr := range w.Prompts {
		if pr.Notice != nil {
			p.notices = append(p.notices, *pr.Notice)
		}
	}
	return true, nil
}

func (p *planStore) SaveNudge(_ context.Context, _ Prompt, _ time.Time, n *Notice) error {
	if n != nil {
		p.notices = append(p.notices, *n)
	}
	return nil
}

func (p *planStore) SaveMissed(_ context.Context, m Missed) (bool, error) {
	for _, f := range m.Flags {
		p.notices = append(p.notices, f.Notices...)
	}
	return true, nil
}

func (p *planStore) Resume(_ context.Context, _ string, _ time.Time, n *Notice) (bool, error) {
	if n != nil {
		p.notices = append(p.notices, *n)
	}
	return true, nil
}

func (p *planStore) SavePulses(_ context.Context, pulses []Pulse, notices []Notice) (int, error) {
	p.notices = append(p.notices, notices...)
	return len(pulses), nil
}

// planReports stands in for the cycle milestones in a dry run: a milestone is not
// recorded, its notices are collected.
type planReports struct {
	CycleReportStore
	plan *planStore
}

func (p planReports) DoMilestone(_ context.Context, _ int64, _ string, _ time.Time, ns []Notice) (bool, error) {
	p.plan.notices = append(p.plan.notices, ns...)
	return true, nil
}

// dry returns a copy of the service whose writes only collect notices.
func (s *Service) dry() (*Service, *planStore) {
	p := &planStore{SessionStore: s.sessions}
	d := *s
	d.sessions = p
	d.reports = planReports{CycleReportStore: s.reports, plan: p}
	return &d, p
}

// PlanSweep returns the notices a sweep at now would send, changing nothing: the dry
// run of the sweep job. A real sweep may send fewer (a notice queued already is not sent
// again).
func (s *Service) PlanSweep(ctx context.Context, now time.Time) ([]Notice, error) {
	d, p := s.dry()
	_, err := d.Sweep(ctx, now)
	return p.notices, err
}

// PlanPulses returns the pulse surveys SendPulses would send for slot, changing nothing.
func (s *Service) PlanPulses(ctx context.Context, slot time.Time) ([]Notice, error) {
	d, p := s.dry()
	_, err := d.SendPulses(ctx, slot)
	return p.notices, err
}
