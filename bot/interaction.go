package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Action IDs of buttons the bot renders outside the round preview.
const (
	actionOpenJoin = "open_join"
	actionSetLang  = "set_lang"
	actionHelp     = "show_help"
)

// blockAction is one row of the action table: a button the bot renders, by action ID.
type blockAction struct {
	id    string
	admin bool // HR admins only, checked on the server at every click
	run   actionHandler
}

// actionHandler answers one click, after the acknowledgement, on a worker.
type actionHandler func(b *Bot, ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction)

// blockActions is the action table.
func blockActions() []blockAction {
	return []blockAction{
		{id: actionOpenJoin, run: (*Bot).actionOpenJoin},
		{id: actionSetLang, run: (*Bot).actionSetLang},
		{id: actionHelp, run: (*Bot).actionHelp},
		{id: actionRoundPropose, admin: true, run: (*Bot).actionRoundPropose},
		{id: actionRoundApprove, admin: true, run: (*Bot).actionRoundApprove},
		{id: actionRoundEdit, admin: true, run: (*Bot).actionRoundEdit},
		{id: actionRoundRerun, admin: true, run: (*Bot).actionRoundRerun},
		{id: actionRoundCancel, admin: true, run: (*Bot).actionRoundCancel},
		{id: actionRoundPage, admin: true, run: (*Bot).actionRoundPage},
		{id: actionRoundPageNext, admin: true, run: (*Bot).actionRoundPage},
		{id: actionCheckInOpen, run: (*Bot).actionCheckInOpen},
		{id: pulseActionID(1), run: (*Bot).actionPulse},
		{id: pulseActionID(2), run: (*Bot).actionPulse},
		{id: pulseActionID(3), run: (*Bot).actionPulse},
		{id: pulseActionID(4), run: (*Bot).actionPulse},
		{id: pulseActionID(5), run: (*Bot).actionPulse},
		{id: actionPause, run: (*Bot).actionPause},
		{id: actionResume, run: (*Bot).actionResume},
		{id: actionLeaveOpen, run: (*Bot).actionLeaveOpen},
		{id: actionFlagHandle, admin: true, run: (*Bot).actionFlagHandle},
		{id: actionFlagHandleList, admin: true, run: (*Bot).actionFlagHandleList},
		{id: actionFlagsPage, admin: true, run: (*Bot).actionFlagsPage},
		{id: actionFlagsPageNext, admin: true, run: (*Bot).actionFlagsPage},
		{id: actionOutboxRetry, admin: true, run: (*Bot).actionOutboxRetry},
		{id: actionSummaryPost, admin: true, run: (*Bot).actionSummaryPost},
		{id: actionExport, admin: true, run: (*Bot).actionExport},
		{id: actionCycleOpen, admin: true, run: (*Bot).actionCycleOpen},
		{id: actionSurveyOpen, run: (*Bot).actionSurveyOpen},
	}
}

// viewCallback is one row of the view table: a modal the bot opens, by callback ID, and
// how its submission is answered. Exactly one of check and run is set.
type viewCallback struct {
	id string
	// valid says whether the private metadata carries what the submission needs; nil
	// accepts any metadata of the current version. A submission it refuses is stale.
	valid func(meta modalMeta) bool
	// check reads the submission before the acknowledgement, on the Socket Mode loop, so
	// that problems show inline in the modal (Slack shows them only from the ack). It
	// must be pure: no network, no database.
	check func(b *Bot, cb slack.InteractionCallback, meta modalMeta) viewAnswer
	// run serves a submission that is not checked before the acknowledgement: the modal
	// closes at once and run does the work on a worker.
	run func(b *Bot, ctx context.Context, cb slack.InteractionCallback, meta modalMeta)
}

// viewAnswer is how a submission is answered: the acknowledgement payload (nil closes
// the modal, viewErrors keeps it open with inline errors, viewUpdate replaces it) and the
// work queued after it, if any.
//
// A submission whose outcome needs the database sets next instead of work: next runs on
// a worker and returns the modal's next view, the outcome or an apology. When it returns within
// nextBudget its view is the acknowledgement, so the person sees the outcome in one step
// and nothing can race it; otherwise ack (a "working" view) is sent at the budget and the
// outcome follows by views.update.
type viewAnswer struct {
	ack  any
	work func(ctx context.Context)
	next func(ctx context.Context) slack.ModalViewRequest
}

// nextBudget is how long a submission's outcome may take before the modal is
// acknowledged with a "working" view: well inside Slack's 3 seconds.
const nextBudget = 1500 * time.Millisecond

// viewCallbacks is the view table.
func viewCallbacks() []viewCallback {
	return []viewCallback{
		{id: callbackJoin, check: (*Bot).checkJoin},
		{id: callbackJoinRating, valid: validRatingMeta, check: (*Bot).checkJoinRating},
		{id: callbackRoundEdit, valid: func(m modalMeta) bool { return m.Round > 0 }, check: (*Bot).checkRoundEdit},
		{id: callbackCheckIn, valid: validCheckInMeta, check: (*Bot).checkCheckIn},
		{id: callbackLeave, run: (*Bot).runLeave},
		{id: callbackCycle, check: (*Bot).checkCycle},
		{id: callbackSurvey, valid: validSurveyMeta, check: (*Bot).checkSurvey},
	}
}

// viewErrors is the acknowledgement payload that shows errors inline in a modal.
type viewErrors struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
}

// newActionTable indexes the action table, refusing a duplicate ID or a missing handler.
func newActionTable(rows []blockAction) (map[string]blockAction, error) {
	m := make(map[string]blockAction, len(rows))
	for _, a := range rows {
		if a.id == "" || a.run == nil {
			return nil, fmt.Errorf("action table: %q needs an ID and a handler", a.id)
		}
		if _, dup := m[a.id]; dup {
			return nil, fmt.Errorf("action table: %q appears twice", a.id)
		}
		m[a.id] = a
	}
	return m, nil
}

// newViewTable indexes the view table, refusing a duplicate callback ID or a row that
// does not say, by setting exactly one of check and run, how its submission is answered.
func newViewTable(rows []viewCallback) (map[string]viewCallback, error) {
	m := make(map[string]viewCallback, len(rows))
	for _, v := range rows {
		if v.id == "" || (v.check == nil) == (v.run == nil) {
			return nil, fmt.Errorf("view table: %q needs a callback ID and exactly one of check and run", v.id)
		}
		if _, dup := m[v.id]; dup {
			return nil, fmt.Errorf("view table: %q appears twice", v.id)
		}
		m[v.id] = v
	}
	return m, nil
}

// dispatchInteraction acknowledges an interactive envelope and queues its work. A modal
// submission of a checked view is checked before the acknowledgement, because Slack
// shows inline errors only from the ack; the check is pure (no network, no database).
func (b *Bot) dispatchInteraction(envelopeID string, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		ans, name := b.answerSubmission(cb)
		if ans.next != nil {
			b.answerNext(envelopeID, name, cb, ans)
			return
		}
		b.ack(envelopeID, ans.ack)
		if ans.work != nil {
			b.submit(name, ans.work, func(ctx context.Context) { b.apologise(ctx, cb.User.ID, "") })
		}
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

// answerNext acknowledges a submission with the view its worker returns, or with the
// working view when the worker is slower than nextBudget, the outcome then following by
// views.update. Exactly one acknowledgement is written, whichever comes first.
func (b *Bot) answerNext(envelopeID, name string, cb slack.InteractionCallback, ans viewAnswer) {
	var once sync.Once
	ackOnce := func(payload any) (sent bool) {
		once.Do(func() { b.ack(envelopeID, payload); sent = true })
		return sent
	}
	timer := time.AfterFunc(nextBudget, func() { ackOnce(ans.ack) })
	viewID, userID := cb.View.ID, cb.User.ID
	b.submit(name, func(ctx context.Context) {
		view := ans.next(ctx)
		timer.Stop()
		if ackOnce(viewUpdate{ResponseAction: "update", View: view}) {
			return
		}
		if _, err := b.api.UpdateViewContext(ctx, view, "", "", viewID); err != nil {
			b.log.Warn("views.update after a slow submission", "view", name, "err", redact(err.Error()))
		}
	}, func(ctx context.Context) {
		ackOnce(nil)
		b.apologise(ctx, userID, "")
	})
}

// answerSubmission decides, on the loop goroutine, how a modal submission is answered,
// and names the work for the logs. A form the bot did not open, or from an older version
// of it, is closed and the person told, with a way to start again.
func (b *Bot) answerSubmission(cb slack.InteractionCallback) (viewAnswer, string) {
	v, known := b.views[cb.View.CallbackID]
	meta, ok := decodeMeta(cb.View.PrivateMetadata)
	if !known || !ok || (v.valid != nil && !v.valid(meta)) {
		b.log.Warn("submission of an unknown view", "callback_id", truncate(cb.View.CallbackID, 64), "user", cb.User.ID)
		userID := cb.User.ID
		return viewAnswer{work: func(ctx context.Context) { b.tellStaleForm(ctx, userID) }}, "stale view"
	}
	if v.check != nil {
		return v.check(b, cb, meta), v.id
	}
	return viewAnswer{work: func(ctx context.Context) { v.run(b, ctx, cb, meta) }}, v.id
}

// handleActions answers clicks from the action table. An unknown action ID is explained;
// an admin-only one from anyone else is refused.
func (b *Bot) handleActions(ctx context.Context, cb slack.InteractionCallback) {
	for _, a := range cb.ActionCallback.BlockActions {
		act, ok := b.actions[a.ActionID]
		if !ok {
			b.log.Info("unknown action", "action_id", truncate(a.ActionID, 64))
			b.tellUnknownAction(ctx, cb.User.ID)
			continue
		}
		if act.admin && !b.admins.IsAdmin(cb.User.ID) {
			b.log.Warn("admin action refused", "user", cb.User.ID, "action_id", act.id)
			b.refuse(ctx, cb.User.ID, "", b.langOf(ctx, cb.User.ID))
			continue
		}
		act.run(b, ctx, cb, a)
	}
}
