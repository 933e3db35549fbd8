package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Action IDs of buttons the bot renders.
const (
	actionOpenJoin = "open_join"
	actionSetLang  = "set_lang"
	actionHelp     = "show_help"
)

// viewErrors is the acknowledgement payload that shows errors inline in a modal.
type viewErrors struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
}

// dispatchInteraction acknowledges an interactive envelope and queues its work. A modal
// submission is checked before the acknowledgement, because Slack shows inline errors only
// from the ack; the check is pure (no network, no database).
func (b *Bot) dispatchInteraction(envelopeID string, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		b.dispatchSubmission(envelopeID, cb)
	case slack.InteractionTypeBlockActions:
		b.ack(envelopeID, nil)
		b.submit("action", func(ctx context.Context) { b.handleActions(ctx, cb) },
			func(ctx context.Context) { b.apologise(ctx, cb.User.ID, "") })
	case slack.InteractionTypeViewClosed:
		b.ack(envelopeID, nil)
	default:
		b.ack(envelopeID, nil)
		b.log.Info("interaction ignored", "type", cb.Type)
	}
}

func (b *Bot) dispatchSubmission(envelopeID string, cb slack.InteractionCallback) {
	meta, ok := decodeMeta(cb.View.PrivateMetadata)
	if ok && cb.View.CallbackID == callbackRoundEdit && meta.Round > 0 {
		b.dispatchRoundEdit(envelopeID, cb, meta)
		return
	}
	if cb.View.CallbackID != callbackJoin || !ok {
		// A form the bot did not open, or from an older version of it: close it and say so,
		// with a way to start again.
		b.ack(envelopeID, nil)
		b.log.Warn("submission of an unknown view", "callback_id", cb.View.CallbackID, "user", cb.User.ID)
		b.submit("stale view", func(ctx context.Context) { b.tellStaleForm(ctx, cb.User.ID) }, nil)
		return
	}
	profile, errs := b.prog.CheckProfile(cb.User.ID, decodeJoin(cb.View.State))
	if errs != nil {
		b.ack(envelopeID, viewErrors{ResponseAction: "errors", Errors: joinErrors(b.cat, meta.Lang, errs)})
		return
	}
	b.ack(envelopeID, nil)
	b.submit("join", func(ctx context.Context) { b.saveJoin(ctx, cb.User.ID, meta.Lang, profile) },
		func(ctx context.Context) { b.apologise(ctx, cb.User.ID, "") })
}

// handleActions answers button clicks.
func (b *Bot) handleActions(ctx context.Context, cb slack.InteractionCallback) {
	for _, a := range cb.ActionCallback.BlockActions {
		switch a.ActionID {
		case actionOpenJoin:
			b.openJoin(ctx, cb.User.ID, cb.TriggerID, "")
		case actionSetLang:
			lang, ok := mentoring.ParseLang(a.Value)
			if !ok {
				b.tellUnknownAction(ctx, cb.User.ID)
				continue
			}
			if err := b.prog.SetLanguage(ctx, cb.User.ID, lang); err != nil {
				b.log.Error("set language", "err", err)
				b.apologise(ctx, cb.User.ID, "")
				continue
			}
			b.publishHome(ctx, cb.User.ID)
		case actionRoundApprove, actionRoundCancel, actionRoundRerun, actionRoundEdit, actionRoundPage, actionRoundPage + "_next":
			b.handleRoundAction(ctx, cb, a)
		case actionRoundPropose:
			b.proposeRound(ctx, cb.User.ID, "", b.langOf(ctx, cb.User.ID))
		case actionHelp:
			lang := b.langOf(ctx, cb.User.ID)
			b.dm(ctx, cb.User.ID, b.cat.T(lang, "help_title", nil), renderHelp(b.cat, lang, b.isAdmin(cb.User.ID)))
		default:
			b.log.Info("unknown action", "action_id", truncate(a.ActionID, 64))
			b.tellUnknownAction(ctx, cb.User.ID)
		}
	}
}
