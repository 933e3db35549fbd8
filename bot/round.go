package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Rounds is what HR admins' pairing work needs of the domain: propose a round, look at
// it, edit, approve or cancel it, list the pairs now meeting, and the display names the
// edit modal shows. Every method that takes `by` checks the admin again.
type Rounds interface {
	ProposeRound(ctx context.Context, by string) (mentoring.Round, error)
	Round(ctx context.Context, by string, id int64) (mentoring.Round, error)
	PendingRound(ctx context.Context, by string) (mentoring.Round, error)
	RemovePair(ctx context.Context, by string, id int64, version, i int) (mentoring.Round, error)
	SwapMentees(ctx context.Context, by string, id int64, version, i, j int) (mentoring.Round, error)
	ApproveRound(ctx context.Context, by string, id int64, version int) (mentoring.Round, error)
	CancelRound(ctx context.Context, by string, id int64) error
	ActivePairs(ctx context.Context, by string) ([]mentoring.Pair, error)
	DisplayNames(ctx context.Context, userIDs []string) (map[string]string, error)
}

// Action IDs of the round preview and of the App Home's propose button.
const (
	actionRoundApprove  = "round_approve"
	actionRoundEdit     = "round_edit"
	actionRoundRerun    = "round_rerun"
	actionRoundCancel   = "round_cancel"
	actionRoundPage     = "round_page"
	actionRoundPageNext = "round_page_next" // a second ID: action IDs are unique within a block
	actionRoundPropose  = "round_propose"
	pairsPerPage        = 35
)

// roundRef is what a preview button carries: the round, the version HR is looking at and
// the page shown.
type roundRef struct {
	ID      int64
	Version int
	Page    int
}

func (r roundRef) String() string { return fmt.Sprintf("%d:%d:%d", r.ID, r.Version, r.Page) }

func parseRoundRef(s string) (roundRef, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return roundRef{}, false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	v, err2 := strconv.Atoi(parts[1])
	p, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || id <= 0 || p < 0 {
		return roundRef{}, false
	}
	return roundRef{ID: id, Version: v, Page: p}, true
}

// commandRound is `/reverse-mentor admin round`: compute a proposal and show it to the
// admin in a DM, where it can be reviewed, edited and approved.
func (b *Bot) commandRound(ctx context.Context, r commandRequest) {
	b.proposeRound(ctx, r.userID, r.responseURL, r.lang)
}

// actionRoundPropose is the App Home's propose button: the same as the command.
func (b *Bot) actionRoundPropose(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.proposeRound(ctx, cb.User.ID, "", b.langOf(ctx, cb.User.ID))
}

// proposeRound computes a proposal, sends its preview to the admin's DM and says so
// (through responseURL when the admin typed a command).
func (b *Bot) proposeRound(ctx context.Context, userID, responseURL string, lang mentoring.Lang) {
	r, err := b.rounds.ProposeRound(ctx, userID)
	if err != nil {
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	b.log.Info("round proposed", "round", r.ID, "by", userID, "pairs", len(r.Proposal.Pairs), "unmatched", len(r.Proposal.Unmatched))
	blocks := renderRound(b.cat, lang, r, 0, b.profiles.Catalogue(), "")
	if _, _, err := b.api.PostMessageContext(ctx, userID, slack.MsgOptionText(b.cat.T(lang, "round_title", map[string]any{"ID": r.ID}), false),
		slack.MsgOptionBlocks(blocks...)); err != nil {
		b.log.Error("post round preview", "err", redact(err.Error()))
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	if responseURL != "" {
		text := b.cat.T(lang, "round_sent", nil)
		b.respond(ctx, responseURL, text, []slack.Block{section(text)})
	}
	b.publishHome(ctx, userID)
}

// commandPairs is `/reverse-mentor admin pairs`: the pairs now meeting.
func (b *Bot) commandPairs(ctx context.Context, r commandRequest) {
	pairs, err := b.rounds.ActivePairs(ctx, r.userID)
	if err != nil {
		b.tellError(ctx, r.userID, r.responseURL, r.lang, err)
		return
	}
	b.respond(ctx, r.responseURL, b.cat.T(r.lang, "pairs_title", nil), renderPairs(b.cat, r.lang, pairs))
}

// renderPairs lists active pairs, one line each, within one message.
func renderPairs(cat *Catalog, lang mentoring.Lang, pairs []mentoring.Pair) []slack.Block {
	blocks := []slack.Block{header(cat.T(lang, "pairs_title", nil))}
	if len(pairs) == 0 {
		return append(blocks, section(cat.T(lang, "pairs_none", nil)))
	}
	text := ""
	for i, p := range pairs {
		line := cat.T(lang, "pairs_line", map[string]any{"N": i + 1, "Mentor": p.MentorID, "Mentee": p.MenteeID,
			"Since": p.CreatedAt.Format("2006-01-02"), "Cadence": cat.T(lang, "cadence_"+cadenceKey(p.Cadence), nil)})
		if text != "" && len([]rune(text))+1+len([]rune(line)) > MaxSectionText {
			if len(blocks) == MaxMessageBlocks-2 {
				return append(blocks, section(text), contextText(cat.T(lang, "list_more", map[string]any{"N": len(pairs) - i})))
			}
			blocks = append(blocks, section(text))
			text = ""
		}
		if text != "" {
			text += "\n"
		}
		text += line
	}
	return append(blocks, section(text))
}

// roundClick is a click on a round preview: who clicked, in which language they read,
// the round and page the button refers to, and the preview message to update.
type roundClick struct {
	by, channel, ts string
	lang            mentoring.Lang
	ref             roundRef
}

// readRoundClick reads a preview button; one that carries no round is told as unknown.
func (b *Bot) readRoundClick(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) (roundClick, bool) {
	ref, ok := parseRoundRef(a.Value)
	if !ok {
		b.tellUnknownAction(ctx, cb.User.ID)
		return roundClick{}, false
	}
	c := roundClick{by: cb.User.ID, lang: b.langOf(ctx, cb.User.ID), ref: ref,
		channel: cb.Container.ChannelID, ts: cb.Container.MessageTs}
	if c.channel == "" {
		c.channel, c.ts = cb.Channel.ID, cb.Message.Timestamp
	}
	return c, true
}

// actionRoundApprove approves the version of the proposal the admin saw; the outbox
// then sends the intros and orientations.
func (b *Bot) actionRoundApprove(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	c, ok := b.readRoundClick(ctx, cb, a)
	if !ok {
		return
	}
	r, err := b.rounds.ApproveRound(ctx, c.by, c.ref.ID, c.ref.Version)
	if err == nil {
		b.log.Info("round approved", "round", r.ID, "by", c.by, "pairs", len(r.Proposal.Pairs))
		b.notify()
	}
	b.showRoundOutcome(ctx, c, r, "", err)
}

// actionRoundCancel cancels the proposal; nobody is told anything.
func (b *Bot) actionRoundCancel(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	c, ok := b.readRoundClick(ctx, cb, a)
	if !ok {
		return
	}
	var r mentoring.Round
	err := b.rounds.CancelRound(ctx, c.by, c.ref.ID)
	if err == nil {
		r, err = b.rounds.Round(ctx, c.by, c.ref.ID)
	}
	b.showRoundOutcome(ctx, c, r, "", err)
}

// actionRoundRerun computes a fresh proposal in place of the one shown.
func (b *Bot) actionRoundRerun(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	c, ok := b.readRoundClick(ctx, cb, a)
	if !ok {
		return
	}
	r, err := b.rounds.ProposeRound(ctx, c.by)
	b.showRoundOutcome(ctx, c, r, b.cat.T(c.lang, "round_rerun_note", nil), err)
}

// actionRoundEdit opens the swap-or-remove modal on the round.
func (b *Bot) actionRoundEdit(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	c, ok := b.readRoundClick(ctx, cb, a)
	if !ok {
		return
	}
	r, err := b.rounds.Round(ctx, c.by, c.ref.ID)
	if err == nil {
		b.openRoundEdit(ctx, cb, c.lang, r, c.channel, c.ts)
		return
	}
	b.showRoundOutcome(ctx, c, r, "", err)
}

// actionRoundPage shows another page of the proposal (both page buttons).
func (b *Bot) actionRoundPage(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	c, ok := b.readRoundClick(ctx, cb, a)
	if !ok {
		return
	}
	r, err := b.rounds.Round(ctx, c.by, c.ref.ID)
	b.showRoundOutcome(ctx, c, r, "", err)
}

// showRoundOutcome updates the preview in place with the round after a click. When
// someone changed the round first, the fresh round is shown with a note; when the
// programme changed under a proposal being approved, the fresh proposal made in its place
// is shown with what changed; any other error is told to the admin.
func (b *Bot) showRoundOutcome(ctx context.Context, c roundClick, r mentoring.Round, note string, err error) {
	if err != nil {
		if mentoring.ErrorCode(err) != mentoring.ECONFLICT || r.ID == 0 {
			b.tellError(ctx, c.by, "", c.lang, err)
			return
		}
		note = b.cat.T(c.lang, "round_stale", nil)
		if de, ok := asDomainError(err); ok && de.MessageKey == "round_changed" {
			changes, _ := de.Data["Changes"].([]mentoring.RoundChange)
			note = renderChanges(b.cat, c.lang, changes)
			c.ref.Page = 0
		}
	}
	b.updateRoundMessage(ctx, c.channel, c.ts, c.lang, r, c.ref.Page, note)
}

func (b *Bot) updateRoundMessage(ctx context.Context, channel, ts string, lang mentoring.Lang, r mentoring.Round, page int, note string) {
	blocks := renderRound(b.cat, lang, r, page, b.profiles.Catalogue(), note)
	text := b.cat.T(lang, "round_title", map[string]any{"ID": r.ID})
	if channel == "" || ts == "" {
		b.dm(ctx, r.CreatedBy, text, blocks)
		return
	}
	if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		b.log.Error("update round preview", "err", redact(err.Error()))
	}
}
