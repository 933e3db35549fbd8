package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Participants is what the bot needs of the domain to show people where they stand.
type Participants interface {
	Participant(ctx context.Context, userID string) (mentoring.Participant, error)
	PairsOf(ctx context.Context, userID string) ([]mentoring.Pair, error)
	// Unpaired tells whether the last approved round left the user without a partner.
	Unpaired(ctx context.Context, userID string) (mentoring.Unpaired, bool, error)
}

// commandStatus is `/reverse-mentor status`: the person's status, profile and pair, or
// an invitation to join.
func (b *Bot) commandStatus(ctx context.Context, r commandRequest) {
	p, err := b.people.Participant(ctx, r.userID)
	if err != nil {
		if mentoring.ErrorCode(err) == mentoring.ENOTJOINED {
			text := b.cat.T(r.lang, "status_not_joined", nil)
			b.respond(ctx, r.responseURL, text, []slack.Block{
				section(text),
				slack.NewActionBlock("actions_status", button(actionOpenJoin, b.cat.T(r.lang, "button_join", nil), "", slack.StylePrimary)),
			})
			return
		}
		b.tellError(ctx, r.userID, r.responseURL, r.lang, err)
		return
	}
	pairs, err := b.people.PairsOf(ctx, r.userID)
	if err != nil {
		b.tellError(ctx, r.userID, r.responseURL, r.lang, err)
		return
	}
	b.respond(ctx, r.responseURL, b.cat.T(r.lang, "status_title", nil),
		renderStatus(b.cat, r.lang, p, pairs, b.unpaired(ctx, p.UserID, pairs), b.profiles.Catalogue(), b.clock.Now()))
}

// unpaired returns how the last round left a participant without a pair, or nil.
func (b *Bot) unpaired(ctx context.Context, userID string, pairs []mentoring.Pair) *mentoring.Unpaired {
	if len(pairs) > 0 {
		return nil
	}
	u, ok, err := b.people.Unpaired(ctx, userID)
	if err != nil {
		b.log.Error("unpaired", "user", userID, "err", err)
	}
	if !ok {
		return nil
	}
	return &u
}

// renderStatus shows a participant where they stand; unpaired, when not nil, is how the
// last round left them without a partner.
func renderStatus(cat *Catalog, lang mentoring.Lang, p mentoring.Participant, pairs []mentoring.Pair, unpaired *mentoring.Unpaired, catalogue mentoring.Catalogue, now time.Time) []slack.Block {
	return []slack.Block{
		header(cat.T(lang, "status_title", nil)),
		section(statusLine(cat, lang, p, now)),
		section(profileSummary(cat, lang, p.Profile, catalogue)),
		section(pairSummary(cat, lang, p, pairs, unpaired)),
		slack.NewActionBlock("actions_status",
			button(actionOpenJoin, cat.T(lang, "button_edit", nil), "", ""),
		),
	}
}

// statusLine says whether the participant is active, paused (until when) or has left.
func statusLine(cat *Catalog, lang mentoring.Lang, p mentoring.Participant, now time.Time) string {
	switch {
	case p.Status == mentoring.StatusPaused && !p.Active(now):
		until := p.PausedUntil
		if loc, err := time.LoadLocation(p.TZ); err == nil && p.TZ != "" {
			until = until.In(loc)
		}
		return cat.T(lang, "status_paused", map[string]any{"Until": until.Format("2006-01-02")})
	case p.Status == mentoring.StatusLeft:
		return cat.T(lang, "status_left", nil)
	}
	return cat.T(lang, "status_active", map[string]any{"Since": p.JoinedAt.Format("2006-01-02")})
}

// pairSummary says who the participant is paired with; or that the last round left them
// without a partner, and why; or that they are waiting for a round.
func pairSummary(cat *Catalog, lang mentoring.Lang, p mentoring.Participant, pairs []mentoring.Pair, unpaired *mentoring.Unpaired) string {
	userID := p.UserID
	if len(pairs) == 0 && unpaired != nil {
		return unpairedLine(cat, lang, *unpaired, p.TZ)
	}
	if len(pairs) == 0 {
		return cat.T(lang, "status_pair_none", nil)
	}
	var lines []string
	for _, pr := range pairs {
		partnerRole := mentoring.RoleMentee
		if pr.MenteeID == userID {
			partnerRole = mentoring.RoleMentor
		}
		lines = append(lines, cat.T(lang, "status_pair", map[string]any{"Partner": pr.Partner(userID),
			"Role": cat.T(lang, "role_name_"+roleKey(partnerRole), nil), "Since": pr.CreatedAt.Format("2006-01-02"),
			"Cadence": cat.T(lang, "cadence_"+cadenceKey(pr.Cadence), nil)}))
	}
	return strings.Join(lines, "\n")
}
