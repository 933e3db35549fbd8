package bot

import (
	"context"
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// callbackRoundEdit identifies the swap-or-remove modal of a round preview.
const callbackRoundEdit = "round_edit"

// openRoundEdit opens the modal to swap the mentees of two pairs or remove a pair.
func (b *Bot) openRoundEdit(ctx context.Context, cb slack.InteractionCallback, lang mentoring.Lang, r mentoring.Round, channel, ts string) {
	view := renderRoundEdit(b.cat, lang, r, b.names(ctx, r), modalMeta{Lang: lang, Round: r.ID, Version: r.Version, Channel: channel, TS: ts}, "")
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, view); err != nil {
		b.log.Warn("views.open round edit", "err", redact(err.Error()))
		b.tellError(ctx, cb.User.ID, "", lang, err)
	}
}

// names returns display names for everyone in a round's pairs.
func (b *Bot) names(ctx context.Context, r mentoring.Round) map[string]string {
	var ids []string
	for _, p := range r.Proposal.Pairs {
		ids = append(ids, p.MentorID, p.MenteeID)
	}
	names, err := b.rounds.DisplayNames(ctx, ids)
	if err != nil {
		b.log.Error("display names", "err", err)
	}
	return names
}

// Block IDs of the round edit modal.
const (
	fieldEditAction = "edit_action"
	fieldPairA      = "pair_a"
	fieldPairB      = "pair_b"
)

// renderRoundEdit renders the swap-or-remove modal; problem, when set, explains why the
// last attempt was refused.
func renderRoundEdit(cat *Catalog, lang mentoring.Lang, r mentoring.Round, names map[string]string, meta modalMeta, problem string) slack.ModalViewRequest {
	t := func(key string) string { return cat.T(lang, key, nil) }
	var blocks []slack.Block
	if problem != "" {
		blocks = append(blocks, section("⚠️ "+problem))
	}
	blocks = append(blocks, section(t("round_edit_intro")))
	remove := option("remove", t("round_edit_remove"))
	swap := option("swap", t("round_edit_swap"))
	act := slack.NewRadioButtonsBlockElement(fieldEditAction, swap, remove)
	act.InitialOption = swap
	blocks = append(blocks, slack.NewInputBlock(fieldEditAction, plain(t("round_edit_action"), 2000), nil, act))
	var opts []*slack.OptionBlockObject
	for i, p := range r.Proposal.Pairs {
		if i == MaxOptions {
			break
		}
		label := fmt.Sprintf("%d. %s → %s · %.1f", i+1, nameOr(names, p.MentorID), nameOr(names, p.MenteeID), p.Score)
		opts = append(opts, option(strconv.Itoa(i), label))
	}
	a := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("round_edit_pick"), 150), fieldPairA, opts...)
	blocks = append(blocks, slack.NewInputBlock(fieldPairA, plain(t("round_edit_pair_a"), 2000), nil, a))
	bsel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("round_edit_pick"), 150), fieldPairB, opts...)
	bBlock := slack.NewInputBlock(fieldPairB, plain(t("round_edit_pair_b"), 2000), plain(t("round_edit_pair_b_hint"), 2000), bsel)
	bBlock.Optional = true
	blocks = append(blocks, bBlock)
	if len(r.Proposal.Pairs) > MaxOptions {
		blocks = append(blocks, contextText(cat.T(lang, "round_edit_first_n", map[string]any{"N": MaxOptions})))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackRoundEdit,
		Title:           plain(t("round_edit_title"), MaxModalTitle),
		Submit:          plain(t("round_edit_submit"), MaxModalTitle),
		Close:           plain(t("modal_cancel"), MaxModalTitle),
		PrivateMetadata: encodeMeta(meta),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// roundEdit is a decoded swap-or-remove submission.
type roundEdit struct {
	Action string // "swap" or "remove"
	A, B   int    // pair indexes; B is -1 when not chosen
}

// decodeRoundEdit reads and checks a submission without the database: the errors it
// returns are shown inline.
func decodeRoundEdit(cat *Catalog, lang mentoring.Lang, state *slack.ViewState) (roundEdit, map[string]string) {
	e := roundEdit{A: -1, B: -1}
	errs := map[string]string{}
	if state == nil {
		errs[fieldPairA] = cat.T(lang, "round_edit_error_pick", nil)
		return e, errs
	}
	get := func(block string) slack.BlockAction { return state.Values[block][block] }
	e.Action = get(fieldEditAction).SelectedOption.Value
	if e.Action != "swap" && e.Action != "remove" {
		errs[fieldEditAction] = cat.T(lang, "round_edit_error_action", nil)
	}
	if n, err := strconv.Atoi(get(fieldPairA).SelectedOption.Value); err == nil && n >= 0 {
		e.A = n
	} else {
		errs[fieldPairA] = cat.T(lang, "round_edit_error_pick", nil)
	}
	if v := get(fieldPairB).SelectedOption.Value; v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			e.B = n
		} else {
			errs[fieldPairB] = cat.T(lang, "round_edit_error_pick", nil)
		}
	}
	if e.Action == "swap" && e.B < 0 {
		errs[fieldPairB] = cat.T(lang, "round_edit_error_second", nil)
	}
	if e.Action == "swap" && e.B == e.A && e.A >= 0 {
		errs[fieldPairB] = cat.T(lang, "round_edit_error_same", nil)
	}
	if len(errs) == 0 {
		return e, nil
	}
	return e, errs
}

// checkRoundEdit reads a swap-or-remove submission before the acknowledgement: its
// shape is checked at once (inline errors); the change itself needs the database and
// the hard rules, so it runs on a worker and its outcome replaces the modal (after a
// "checking" view if it is slow).
func (b *Bot) checkRoundEdit(cb slack.InteractionCallback, meta modalMeta) viewAnswer {
	edit, errs := decodeRoundEdit(b.cat, meta.Lang, cb.View.State)
	if errs != nil {
		return viewAnswer{ack: viewErrors{ResponseAction: "errors", Errors: errs}}
	}
	by := cb.User.ID
	return viewAnswer{
		ack:  viewUpdate{ResponseAction: "update", View: renderWorking(b.cat, meta.Lang)},
		next: func(ctx context.Context) slack.ModalViewRequest { return b.applyRoundEdit(ctx, by, meta, edit) },
	}
}

// viewUpdate is the acknowledgement payload that replaces the modal.
type viewUpdate struct {
	ResponseAction string                 `json:"response_action"`
	View           slack.ModalViewRequest `json:"view"`
}

func renderWorking(cat *Catalog, lang mentoring.Lang) slack.ModalViewRequest {
	return renderNotice(cat, lang, cat.T(lang, "round_edit_working", nil))
}

// renderNotice is a round-edit modal that only says text and closes.
func renderNotice(cat *Catalog, lang mentoring.Lang, text string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain(cat.T(lang, "round_edit_title", nil), MaxModalTitle),
		Close:  plain(cat.T(lang, "modal_close", nil), MaxModalTitle),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}},
	}
}

// applyRoundEdit makes the edit and returns the modal's next view: done, or the form
// again with the rule that refused it.
func (b *Bot) applyRoundEdit(ctx context.Context, by string, meta modalMeta, e roundEdit) slack.ModalViewRequest {
	lang := meta.Lang
	var (
		r   mentoring.Round
		err error
	)
	if e.Action == "remove" {
		r, err = b.rounds.RemovePair(ctx, by, meta.Round, meta.Version, e.A)
	} else {
		r, err = b.rounds.SwapMentees(ctx, by, meta.Round, meta.Version, e.A, e.B)
	}
	if err == nil {
		b.log.Info("round edited", "round", r.ID, "by", by, "action", e.Action)
		b.updateRoundMessage(ctx, meta.Channel, meta.TS, lang, r, 0, "")
		return renderRoundEdited(b.cat, lang, r, e)
	}
	de, ok := asDomainError(err)
	if !ok || de.Code == mentoring.EINTERNAL {
		b.log.Error("round edit", "err", err)
		return renderNotice(b.cat, lang, b.cat.T(lang, "error_internal", nil))
	}
	problem := b.explain(ctx, lang, de)
	if fresh, ferr := b.rounds.Round(ctx, by, meta.Round); ferr == nil {
		r = fresh
	}
	meta.Version = r.Version
	return renderRoundEdit(b.cat, lang, r, b.names(ctx, r), meta, problem)
}

// explain turns a domain error into a sentence, with the hard rule that refused a swap.
func (b *Bot) explain(ctx context.Context, lang mentoring.Lang, de *mentoring.Error) string {
	data := map[string]any{}
	for k, v := range de.Data {
		data[k] = v
	}
	if reason, ok := de.Data["Reason"].(string); ok {
		data["Reason"] = b.cat.T(lang, "rule_"+reason, nil)
	}
	return b.cat.T(lang, de.MessageKey, data)
}

// renderRoundEdited is the modal after an edit: done, and for a swap what it did to the
// two pairs' scores, with a warning when it made either worse.
func renderRoundEdited(cat *Catalog, lang mentoring.Lang, r mentoring.Round, e roundEdit) slack.ModalViewRequest {
	blocks := []slack.Block{section(cat.T(lang, "round_edit_done", nil))}
	if e.Action == "swap" && r.Proposal.LastSwap != nil {
		blocks = append(blocks, section(swapNote(cat, lang, *r.Proposal.LastSwap)))
	}
	return slack.ModalViewRequest{Type: slack.VTModal, Title: plain(cat.T(lang, "round_edit_title", nil), MaxModalTitle),
		Close: plain(cat.T(lang, "modal_close", nil), MaxModalTitle), Blocks: slack.Blocks{BlockSet: blocks}}
}
