package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Action IDs of the round preview.
const (
	actionRoundApprove = "round_approve"
	actionRoundEdit    = "round_edit"
	actionRoundRerun   = "round_rerun"
	actionRoundCancel  = "round_cancel"
	actionRoundPage    = "round_page"
	actionRoundPropose = "round_propose"
	callbackRoundEdit  = "round_edit"
	pairsPerPage       = 35
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
func (b *Bot) commandRound(ctx context.Context, sc slack.SlashCommand, lang mentoring.Lang) {
	b.proposeRound(ctx, sc.UserID, sc.ResponseURL, lang)
}

// proposeRound computes a proposal, sends its preview to the admin's DM and says so
// (through responseURL when the admin typed a command).
func (b *Bot) proposeRound(ctx context.Context, userID, responseURL string, lang mentoring.Lang) {
	r, err := b.prog.ProposeRound(ctx, userID)
	if err != nil {
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	b.log.Info("round proposed", "round", r.ID, "by", userID, "pairs", len(r.Proposal.Pairs), "unmatched", len(r.Proposal.Unmatched))
	blocks := renderRound(b.cat, lang, r, 0, b.prog.Catalogue(), "")
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
func (b *Bot) commandPairs(ctx context.Context, sc slack.SlashCommand, lang mentoring.Lang) {
	pairs, err := b.prog.ActivePairs(ctx, sc.UserID)
	if err != nil {
		b.tellError(ctx, sc.UserID, sc.ResponseURL, lang, err)
		return
	}
	b.respond(ctx, sc.ResponseURL, b.cat.T(lang, "pairs_title", nil), renderPairs(b.cat, lang, pairs))
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

// renderRound renders a round for HR: a proposal with its pairs (one page of them), the
// unmatched people with reasons, and the buttons; or the outcome of a decided round.
func renderRound(cat *Catalog, lang mentoring.Lang, r mentoring.Round, page int, catalogue mentoring.Catalogue, note string) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	p := r.Proposal
	pages := max(1, (len(p.Pairs)+pairsPerPage-1)/pairsPerPage)
	page = min(max(page, 0), pages-1)
	blocks := []slack.Block{header(t("round_title", map[string]any{"ID": r.ID}))}
	if note != "" {
		blocks = append(blocks, section(note))
	}
	switch r.Status {
	case mentoring.RoundApproved:
		blocks = append(blocks, section(t("round_approved", map[string]any{"By": r.DecidedBy, "Pairs": len(p.Pairs)})))
	case mentoring.RoundCancelled:
		blocks = append(blocks, section(t("round_cancelled", map[string]any{"By": r.DecidedBy})))
	case mentoring.RoundSuperseded:
		blocks = append(blocks, section(t("round_superseded", nil)))
	default:
		blocks = append(blocks, section(t("round_summary", map[string]any{"Pairs": len(p.Pairs), "Unmatched": len(p.Unmatched)})))
	}
	blocks = append(blocks, slack.NewDividerBlock())
	lo, hi := page*pairsPerPage, min(len(p.Pairs), (page+1)*pairsPerPage)
	for i := lo; i < hi; i++ {
		blocks = append(blocks, section(pairLine(cat, lang, i, p.Pairs[i], catalogue)))
	}
	if len(p.Pairs) == 0 {
		blocks = append(blocks, section(t("round_no_pairs", nil)))
	}
	if len(p.Unmatched) > 0 {
		text := t("round_unmatched_title", nil)
		for i, u := range p.Unmatched {
			line := t("round_unmatched_line", map[string]any{"User": u.UserID,
				"Role": t("role_name_"+roleKey(u.Role), nil), "Reason": t("reason_"+u.Reason, nil)})
			if len([]rune(text))+len([]rune(line)) > MaxSectionText-100 {
				text += "\n" + t("list_more", map[string]any{"N": len(p.Unmatched) - i})
				break
			}
			text += "\n" + line
		}
		blocks = append(blocks, section(text))
	}
	if pages > 1 {
		blocks = append(blocks, contextText(t("round_page", map[string]any{"Page": page + 1, "Pages": pages})))
	}
	if r.Status != mentoring.RoundProposed {
		return blocks
	}
	ref := roundRef{ID: r.ID, Version: r.Version, Page: page}
	approve := button(actionRoundApprove, t("round_button_approve", nil), ref.String(), slack.StylePrimary)
	approve.Confirm = slack.NewConfirmationBlockObject(plain(t("round_confirm_title", nil), 100),
		plain(t("round_confirm_text", map[string]any{"Pairs": len(p.Pairs)}), 300),
		plain(t("round_confirm_yes", nil), 30), plain(t("modal_cancel", nil), 30))
	cancel := button(actionRoundCancel, t("round_button_cancel", nil), ref.String(), slack.StyleDanger)
	cancel.Confirm = slack.NewConfirmationBlockObject(plain(t("round_cancel_title", nil), 100),
		plain(t("round_cancel_text", nil), 300), plain(t("round_button_cancel", nil), 30), plain(t("modal_cancel", nil), 30))
	cancel.Confirm.Style = slack.StyleDanger
	var elems []slack.BlockElement
	if len(p.Pairs) > 0 {
		elems = append(elems, approve, button(actionRoundEdit, t("round_button_edit", nil), ref.String(), ""))
	}
	elems = append(elems, button(actionRoundRerun, t("round_button_rerun", nil), ref.String(), ""), cancel)
	blocks = append(blocks, slack.NewActionBlock("actions_round", elems...))
	if pages > 1 {
		var nav []slack.BlockElement
		if page > 0 {
			nav = append(nav, button(actionRoundPage, t("button_prev", nil), roundRef{r.ID, r.Version, page - 1}.String(), ""))
		}
		if page < pages-1 {
			nav = append(nav, button(actionRoundPage+"_next", t("button_next", nil), roundRef{r.ID, r.Version, page + 1}.String(), ""))
		}
		blocks = append(blocks, slack.NewActionBlock("actions_round_pages", nav...))
	}
	return blocks
}

// pairLine explains one proposed pair: who, what they share, language and time zones.
func pairLine(cat *Catalog, lang mentoring.Lang, i int, p mentoring.ProposedPair, catalogue mentoring.Catalogue) string {
	var topics []string
	for _, id := range p.SharedTopics {
		if tp, ok := catalogue.Topic(id); ok {
			topics = append(topics, tp.Label(lang))
		}
	}
	shared := cat.T(lang, "round_no_shared_topic", nil)
	if len(topics) > 0 {
		shared = strings.Join(topics, cat.T(lang, "list_separator", nil))
	}
	var langs []string
	for _, l := range p.Languages {
		langs = append(langs, cat.T(lang, "lang_name_"+string(l), nil))
	}
	tz := cat.T(lang, "round_tz_same", nil)
	if p.TZGapHours > 0 {
		tz = cat.T(lang, "round_tz_gap", map[string]any{"Hours": strconv.FormatFloat(p.TZGapHours, 'f', -1, 64)})
	}
	return cat.T(lang, "round_pair_line", map[string]any{"N": i + 1, "Mentor": p.MentorID, "Mentee": p.MenteeID,
		"Topics": shared, "Languages": strings.Join(langs, cat.T(lang, "list_separator", nil)), "TZ": tz,
		"Score": strconv.FormatFloat(p.Score, 'f', 1, 64)})
}

// handleRoundAction answers a button on a round preview. The domain checks the admin
// again; the preview message is updated in place.
func (b *Bot) handleRoundAction(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	lang := b.langOf(ctx, cb.User.ID)
	ref, ok := parseRoundRef(a.Value)
	if !ok {
		b.tellUnknownAction(ctx, cb.User.ID)
		return
	}
	channel, ts := cb.Container.ChannelID, cb.Container.MessageTs
	if channel == "" {
		channel, ts = cb.Channel.ID, cb.Message.Timestamp
	}
	var (
		r    mentoring.Round
		err  error
		note string
	)
	switch a.ActionID {
	case actionRoundApprove:
		r, err = b.prog.ApproveRound(ctx, cb.User.ID, ref.ID, ref.Version)
		if err == nil {
			b.log.Info("round approved", "round", r.ID, "by", cb.User.ID, "pairs", len(r.Proposal.Pairs))
			b.notify()
		}
	case actionRoundCancel:
		if err = b.prog.CancelRound(ctx, cb.User.ID, ref.ID); err == nil {
			r, err = b.prog.Round(ctx, cb.User.ID, ref.ID)
		}
	case actionRoundRerun:
		r, err = b.prog.ProposeRound(ctx, cb.User.ID)
		note = b.cat.T(lang, "round_rerun_note", nil)
	case actionRoundEdit:
		r, err = b.prog.Round(ctx, cb.User.ID, ref.ID)
		if err == nil {
			b.openRoundEdit(ctx, cb, lang, r, channel, ts)
			return
		}
	default: // page buttons
		r, err = b.prog.Round(ctx, cb.User.ID, ref.ID)
	}
	if err != nil {
		if mentoring.ErrorCode(err) == mentoring.ECONFLICT && r.ID != 0 {
			note = b.cat.T(lang, "round_stale", nil)
		} else {
			b.tellError(ctx, cb.User.ID, "", lang, err)
			return
		}
	}
	b.updateRoundMessage(ctx, channel, ts, lang, r, ref.Page, note)
}

func (b *Bot) updateRoundMessage(ctx context.Context, channel, ts string, lang mentoring.Lang, r mentoring.Round, page int, note string) {
	blocks := renderRound(b.cat, lang, r, page, b.prog.Catalogue(), note)
	text := b.cat.T(lang, "round_title", map[string]any{"ID": r.ID})
	if channel == "" || ts == "" {
		b.dm(ctx, r.CreatedBy, text, blocks)
		return
	}
	if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		b.log.Error("update round preview", "err", redact(err.Error()))
	}
}

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
	names, err := b.prog.DisplayNames(ctx, ids)
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
		label := fmt.Sprintf("%d. %s → %s", i+1, nameOr(names, p.MentorID), nameOr(names, p.MenteeID))
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

// dispatchRoundEdit acknowledges a swap-or-remove submission. The shape is checked at
// once (inline errors); the change itself needs the database and the hard rules, so the
// modal shows "checking" and is updated with the outcome.
func (b *Bot) dispatchRoundEdit(envelopeID string, cb slack.InteractionCallback, meta modalMeta) {
	edit, errs := decodeRoundEdit(b.cat, meta.Lang, cb.View.State)
	if errs != nil {
		b.ack(envelopeID, viewErrors{ResponseAction: "errors", Errors: errs})
		return
	}
	b.ack(envelopeID, viewUpdate{ResponseAction: "update", View: renderWorking(b.cat, meta.Lang)})
	viewID := cb.View.ID
	b.submit("round edit", func(ctx context.Context) { b.applyRoundEdit(ctx, cb.User.ID, viewID, meta, edit) },
		func(ctx context.Context) { b.apologise(ctx, cb.User.ID, "") })
}

// viewUpdate is the acknowledgement payload that replaces the modal.
type viewUpdate struct {
	ResponseAction string                 `json:"response_action"`
	View           slack.ModalViewRequest `json:"view"`
}

func renderWorking(cat *Catalog, lang mentoring.Lang) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain(cat.T(lang, "round_edit_title", nil), MaxModalTitle),
		Close:  plain(cat.T(lang, "modal_close", nil), MaxModalTitle),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(cat.T(lang, "round_edit_working", nil))}},
	}
}

func (b *Bot) applyRoundEdit(ctx context.Context, by, viewID string, meta modalMeta, e roundEdit) {
	lang := meta.Lang
	var (
		r   mentoring.Round
		err error
	)
	if e.Action == "remove" {
		r, err = b.prog.RemovePair(ctx, by, meta.Round, meta.Version, e.A)
	} else {
		r, err = b.prog.SwapMentees(ctx, by, meta.Round, meta.Version, e.A, e.B)
	}
	var result slack.ModalViewRequest
	switch {
	case err == nil:
		b.log.Info("round edited", "round", r.ID, "by", by, "action", e.Action)
		result = slack.ModalViewRequest{Type: slack.VTModal, Title: plain(b.cat.T(lang, "round_edit_title", nil), MaxModalTitle),
			Close:  plain(b.cat.T(lang, "modal_close", nil), MaxModalTitle),
			Blocks: slack.Blocks{BlockSet: []slack.Block{section(b.cat.T(lang, "round_edit_done", nil))}}}
		b.updateRoundMessage(ctx, meta.Channel, meta.TS, lang, r, 0, "")
	default:
		de, ok := asDomainError(err)
		if !ok || de.Code == mentoring.EINTERNAL {
			b.log.Error("round edit", "err", err)
			b.apologise(ctx, by, "")
			return
		}
		problem := b.explain(ctx, lang, de)
		if fresh, ferr := b.prog.Round(ctx, by, meta.Round); ferr == nil {
			r = fresh
		}
		meta.Version = r.Version
		result = renderRoundEdit(b.cat, lang, r, b.names(ctx, r), meta, problem)
	}
	if _, err := b.api.UpdateViewContext(ctx, result, "", "", viewID); err != nil {
		b.log.Warn("views.update round edit", "err", redact(err.Error()))
	}
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
