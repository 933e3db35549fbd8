package bot

import (
	"context"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Lifecycle is what taking a break, coming back and leaving need of the domain, and
// what the bot tells it when Slack reports someone's account deactivated.
type Lifecycle interface {
	Pause(ctx context.Context, userID string, weeks int) (mentoring.Participant, error)
	Resume(ctx context.Context, userID string) (mentoring.Participant, error)
	Leave(ctx context.Context, userID string, erase bool) (mentoring.LeaveResult, error)
	Deactivated(ctx context.Context, userID string) (bool, error)
}

// Action IDs of the App Home's and status's lifecycle buttons.
const (
	actionPause     = "pause"
	actionResume    = "resume"
	actionLeaveOpen = "leave_open"
)

// commandPause is `/reverse-mentor pause [weeks]`: a break of that many weeks, or the
// programme's default.
func (b *Bot) commandPause(ctx context.Context, r commandRequest) {
	weeks := 0
	if len(r.args) > 1 {
		weeks = -1
	} else if len(r.args) == 1 {
		n, err := strconv.Atoi(r.args[0])
		if err != nil || len(r.args[0]) > 3 {
			n = -1
		}
		weeks = n
	}
	if weeks < 0 {
		text := b.cat.T(r.lang, "pause_usage", map[string]any{"Max": mentoring.MaxPauseWeeks})
		b.respond(ctx, r.responseURL, text, []slack.Block{section(text)})
		return
	}
	b.pause(ctx, r.userID, r.responseURL, r.lang, weeks)
}

// actionPause is the App Home's and status's break button: the default length.
func (b *Bot) actionPause(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.pause(ctx, cb.User.ID, "", b.langOf(ctx, cb.User.ID), 0)
}

// pause starts a break and says until when, in the person's time zone.
func (b *Bot) pause(ctx context.Context, userID, responseURL string, lang mentoring.Lang, weeks int) {
	p, err := b.sessions.Pause(ctx, userID, weeks)
	if err != nil {
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	b.log.Info("paused", "user", userID, "until", p.PausedUntil)
	text := b.cat.T(lang, "pause_done", map[string]any{"Until": dateText(lang, p.PausedUntil, zone(p.TZ, p.TZOffset))})
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
	b.publishHome(ctx, userID)
}

// commandResume is `/reverse-mentor resume`: the break ends now.
func (b *Bot) commandResume(ctx context.Context, r commandRequest) {
	b.resume(ctx, r.userID, r.responseURL, r.lang)
}

// actionResume is the App Home's and status's resume button.
func (b *Bot) actionResume(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.resume(ctx, cb.User.ID, "", b.langOf(ctx, cb.User.ID))
}

func (b *Bot) resume(ctx context.Context, userID, responseURL string, lang mentoring.Lang) {
	if _, err := b.sessions.Resume(ctx, userID); err != nil {
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	b.log.Info("resumed", "user", userID)
	text := b.cat.T(lang, "resume_done", nil)
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
	b.publishHome(ctx, userID)
}

// callbackLeave identifies the leave confirmation modal.
const callbackLeave = "leave"

// fieldErase is the block of the leave modal's "also erase my data" checkbox.
const fieldErase = "erase"

// commandLeave is `/reverse-mentor leave`: the confirmation modal.
func (b *Bot) commandLeave(ctx context.Context, r commandRequest) {
	b.openLeave(ctx, r.userID, r.triggerID, r.responseURL, r.lang)
}

// actionLeaveOpen is the App Home's and status's leave button: the same modal.
func (b *Bot) actionLeaveOpen(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.openLeave(ctx, cb.User.ID, cb.TriggerID, "", b.langOf(ctx, cb.User.ID))
}

// openLeave opens the leave modal for a participant; anyone else is told they have not
// joined. When the trigger has expired, the person gets a button that opens it anew.
func (b *Bot) openLeave(ctx context.Context, userID, triggerID, responseURL string, lang mentoring.Lang) {
	if _, err := b.people.Participant(ctx, userID); err != nil {
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	if _, err := b.api.OpenViewContext(ctx, triggerID, renderLeaveModal(b.cat, lang)); err != nil {
		b.log.Warn("views.open leave", "user", userID, "err", redact(err.Error()))
		text := b.cat.T(lang, "checkin_open_failed", nil)
		b.reply(ctx, userID, responseURL, text, []slack.Block{
			section(text),
			slack.NewActionBlock("actions_leave_retry", button(actionLeaveOpen, b.cat.T(lang, "button_leave", nil), "", "")),
		})
	}
}

// renderLeaveModal renders the leave confirmation: what ends, and the choice to erase
// one's data, with what that erases and what stays.
func renderLeaveModal(cat *Catalog, lang mentoring.Lang) slack.ModalViewRequest {
	t := func(key string) string { return cat.T(lang, key, nil) }
	blocks := []slack.Block{
		section(t("leave_intro")),
		optional(slack.NewInputBlock(fieldErase, plain(t("leave_erase"), 2000), nil,
			checkbox(fieldErase, t("leave_erase_option"), false))),
		contextText(t("leave_erase_explain")),
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackLeave,
		Title:           plain(t("leave_title"), MaxModalTitle),
		Submit:          plain(t("leave_submit"), MaxModalTitle),
		Close:           plain(t("modal_cancel"), MaxModalTitle),
		PrivateMetadata: encodeMeta(modalMeta{Lang: lang}),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// runLeave serves the leave modal's submission: the person leaves, erasing their data
// if they chose to, and is thanked by DM; the outbox is woken to tell the partners.
func (b *Bot) runLeave(ctx context.Context, cb slack.InteractionCallback, meta modalMeta) {
	userID := cb.User.ID
	erase := false
	if cb.View.State != nil {
		for _, a := range cb.View.State.Values[fieldErase] {
			for _, o := range a.SelectedOptions {
				erase = erase || o.Value == "yes"
			}
		}
	}
	res, err := b.sessions.Leave(ctx, userID, erase)
	if err != nil {
		b.tellError(ctx, userID, "", meta.Lang, err)
		return
	}
	b.log.Info("left", "pairs_ended", res.PairsEnded, "erased", res.Erased)
	b.notify()
	text := b.cat.T(meta.Lang, "leave_done", nil)
	blocks := []slack.Block{section(text)}
	if res.Erased {
		blocks = append(blocks, section(b.cat.T(meta.Lang, "leave_done_erased", nil)))
	}
	b.dm(ctx, userID, text, blocks)
	b.publishHome(ctx, userID)
}

// userDeactivated is told when Slack reports a user deactivated: a participant among
// them leaves without erasure, and each partner is told once.
func (b *Bot) userDeactivated(ctx context.Context, userID string) {
	ok, err := b.sessions.Deactivated(ctx, userID)
	if err != nil {
		b.log.Error("deactivated user", "user", userID, "err", err)
		return
	}
	if ok {
		b.log.Info("participant deactivated in Slack", "user", userID)
		b.notify()
	}
}
