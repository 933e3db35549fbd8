package bot

import (
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// renderNotPaired is the private DM to someone an approved round left without a
// partner: why, in plain words, and that they stay in the pool for the next round.
func renderNotPaired(cat *Catalog, lang mentoring.Lang, d mentoring.NotPairedData) []slack.Block {
	reason := cat.T(lang, personReasonKey(d.Reason, d.Role), nil)
	return []slack.Block{
		header(cat.T(lang, "not_paired_title", nil)),
		section(cat.T(lang, "not_paired_body", map[string]any{"Reason": reason})),
		section(cat.T(lang, "not_paired_next", nil)),
	}
}

// personReasonKey is the message that tells someone of role, in their own terms, why a
// round left them without a partner.
func personReasonKey(reason string, role mentoring.Role) string {
	switch reason {
	case mentoring.ReasonOutnumbered, mentoring.ReasonNoPartner:
		return "not_paired_reason_" + reason + "_" + roleKey(role)
	case mentoring.ReasonSameDepartment, mentoring.ReasonReportingLine, mentoring.ReasonRepeat, mentoring.ReasonNoLanguage,
		mentoring.ReasonCapacityFull, mentoring.ReasonRemovedByHR:
		return "not_paired_reason_" + reason
	}
	return "not_paired_reason_" + mentoring.ReasonCapacityFull
}

// unpairedLine says, in someone's status, that the last round left them without a
// partner, why, and that they stay in the pool.
func unpairedLine(cat *Catalog, lang mentoring.Lang, u mentoring.Unpaired, tz string) string {
	at := u.DecidedAt
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		at = at.In(loc)
	}
	return cat.T(lang, "status_not_paired", map[string]any{"ID": u.RoundID, "Date": at.Format("2006-01-02"),
		"Reason": cat.T(lang, personReasonKey(u.Reason, u.Role), nil)})
}
