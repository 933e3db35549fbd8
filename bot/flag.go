package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// FollowUps is what HR admins' follow-ups need of the domain: list the flags (open or
// all, of a cause, about a person), read one as it stands now (its DM is rendered from
// that), and mark one handled. The admin is checked again in the use cases that take `by`.
type FollowUps interface {
	Flags(ctx context.Context, by string, all bool, limit int) ([]mentoring.Flag, error)
	FindFlags(ctx context.Context, by string, f mentoring.FlagFilter, limit int) ([]mentoring.Flag, error)
	Flag(ctx context.Context, key string) (mentoring.Flag, error)
	HandleFlag(ctx context.Context, by, key string) (mentoring.Flag, error)
}

// Action IDs of follow-ups: the handled button in a flag DM and in the list, and the
// list's page buttons (two IDs: action IDs are unique within a block).
const (
	actionFlagHandle     = "flag_handle"
	actionFlagHandleList = "flag_handle_list"
	actionFlagsPage      = "flags_page"
	actionFlagsPageNext  = "flags_page_next"
	flagsPerPage         = 10
	maxFlagsListed       = 1000
)

// flagView is a flag as its DM shows it: the flag, the window it is about (nil for a
// pulse survey or a pair that cannot be read), the reading admin's time zone, and
// Gone for a flag erased with the person's data.
type flagView struct {
	Flag   mentoring.Flag
	Window *mentoring.Window
	Loc    *time.Location
	Gone   bool
}

// loadFlag reads a flag as it stands, with its window, for the admin who reads it.
func (b *Bot) loadFlag(ctx context.Context, key, adminID string) (flagView, error) {
	v := flagView{Loc: b.personZone(ctx, adminID)}
	f, err := b.sessions.Flag(ctx, key)
	if mentoring.ErrorCode(err) == mentoring.ENOTFOUND {
		v.Gone = true
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Flag = f
	b.flagWindow(ctx, &v)
	return v, nil
}

// flagWindow adds the session window a flag is about, when it is about one.
func (b *Bot) flagWindow(ctx context.Context, v *flagView) {
	f := v.Flag
	if f.PairID == 0 || f.Detail.Window == 0 {
		return
	}
	form, err := b.sessions.CheckInForm(ctx, f.UserID, f.PairID, f.Detail.Window)
	if err != nil {
		b.log.Warn("flag window", "flag", f.ID, "code", mentoring.ErrorCode(err))
		return
	}
	v.Window = &form.Window
}

// flagCause says in words why HR is asked to follow up.
func flagCause(cat *Catalog, lang mentoring.Lang, f mentoring.Flag) string {
	role := cat.T(lang, "role_name_"+roleKey(f.Detail.Role), nil)
	data := map[string]any{"User": f.UserID, "Role": role, "Partner": f.Detail.PartnerID, "Missed": f.Detail.Missed}
	switch f.Cause {
	case mentoring.FlagBurden, mentoring.FlagMood, mentoring.FlagSafety, mentoring.FlagContact,
		mentoring.FlagStalled, mentoring.FlagQuiet:
		return cat.T(lang, "flag_cause_"+string(f.Cause), data)
	}
	return cat.T(lang, "flag_cause_contact", data)
}

// renderFlag is the private DM to one HR admin about a flag: who, why, the answer that
// raised it, the private note only when the person asked HR to contact them, and the
// handled button, or who handled it and when.
func renderFlag(cat *Catalog, lang mentoring.Lang, v flagView) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	blocks := []slack.Block{header(t("flag_title", nil))}
	if v.Gone {
		return append(blocks, section(t("flag_unknown", nil)))
	}
	f, d := v.Flag, v.Flag.Detail
	blocks = append(blocks, section(flagCause(cat, lang, f)))
	var lines []string
	switch {
	case v.Window != nil:
		from, to := windowDates(lang, *v.Window, v.Loc)
		lines = append(lines, t("flag_where_window", map[string]any{"From": from, "To": to, "Partner": d.PartnerID}))
	case d.PulseDate != "":
		lines = append(lines, t("flag_where_pulse", map[string]any{"Date": surveyDateText(lang, d.PulseDate)}))
	}
	if d.Met.Valid() {
		lines = append(lines, t("flag_met", map[string]any{"Met": t("met_"+string(d.Met), nil)}))
	}
	for _, s := range []struct {
		key   string
		n     int
		label func(*Catalog, mentoring.Lang, int) string
	}{
		{"flag_rating", d.Rating, scaleLabel}, {"flag_burden", d.Burden, burdenLabel},
		{"flag_mood", d.Mood, scaleLabel}, {"flag_safety", d.Safety, scaleLabel},
	} {
		if s.n != 0 {
			lines = append(lines, t(s.key, map[string]any{"Label": s.label(cat, lang, s.n), "N": s.n}))
		}
	}
	if d.HardToSpeak {
		lines = append(lines, t("flag_hard_to_speak", nil))
	}
	if d.ContactHR {
		lines = append(lines, t("flag_contact", nil))
	}
	if len(lines) > 0 {
		blocks = append(blocks, section(strings.Join(lines, "\n")))
	}
	if d.ContactHR && d.Note != "" {
		blocks = append(blocks, section(t("flag_note_title", nil)))
		blocks = append(blocks, textSections(d.Note)...)
	}
	if f.Handled() {
		blocks = append(blocks, section(t("flag_handled", map[string]any{"By": f.HandledBy,
			"At": dateTimeText(lang, f.HandledAt, v.Loc)})))
	} else {
		blocks = append(blocks, slack.NewActionBlock("actions_flag",
			button(actionFlagHandle, t("flag_handle_button", nil), f.Key, slack.StylePrimary)))
	}
	return append(blocks, contextText(t("flag_footer", nil)))
}

// actionFlagHandle is "Mark as handled" in a flag DM: the clicking admin's message
// changes at once, and the domain queues the rewrite of every admin's copy. An admin who
// clicks after another one is told who handled it.
func (b *Bot) actionFlagHandle(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	by := cb.User.ID
	lang := b.langOf(ctx, by)
	v, err := b.handleFlag(ctx, by, a.Value)
	if err != nil && !v.Gone && v.Flag.ID == 0 {
		b.tellError(ctx, by, cb.ResponseURL, lang, err)
		return
	}
	blocks := renderFlag(b.cat, lang, v)
	if channel, ts := clickedMessage(cb); channel != "" && ts != "" {
		if _, _, _, uerr := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(b.cat.T(lang, "flag_title", nil), false),
			slack.MsgOptionBlocks(blocks...)); uerr != nil {
			b.log.Error("update flag message", "err", redact(uerr.Error()))
		}
	}
	if err != nil {
		b.tellError(ctx, by, cb.ResponseURL, lang, err)
	}
}

// handleFlag marks a flag handled and returns it as it now stands, for the admin. On a
// conflict (another admin was first) the view shows that admin; on a flag that is gone,
// Gone is set.
func (b *Bot) handleFlag(ctx context.Context, by, key string) (flagView, error) {
	v := flagView{Loc: b.personZone(ctx, by)}
	f, err := b.sessions.HandleFlag(ctx, by, key)
	switch mentoring.ErrorCode(err) {
	case "":
		b.log.Info("flag handled", "flag", f.ID, "by", by)
		b.notify()
	case mentoring.ECONFLICT:
		b.log.Info("flag handled already", "flag", f.ID, "by", by, "first", f.HandledBy)
	case mentoring.ENOTFOUND:
		v.Gone = true
		return v, err
	default:
		return v, err
	}
	v.Flag = f
	b.flagWindow(ctx, &v)
	return v, err
}

// commandFlags is `/reverse-mentor admin flags [all] [cause] [@person]`: the open
// follow-ups (with all, the handled ones too), of one cause, about one person, a page
// at a time, each open one with its handled button.
func (b *Bot) commandFlags(ctx context.Context, r commandRequest) {
	f, ok := parseFlagFilter(r.args)
	if !ok {
		text := b.cat.T(r.lang, "flags_usage", nil)
		b.respond(ctx, r.responseURL, text, []slack.Block{section(text)})
		return
	}
	b.showFlags(ctx, r.userID, r.responseURL, false, r.lang, 0, f, "")
}

// actionFlagsPage shows another page of the list (both page buttons), or the first
// page of the open follow-ups from the App Home.
func (b *Bot) actionFlagsPage(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	page, f := parseFlagPageValue(a.Value)
	b.showFlags(ctx, cb.User.ID, cb.ResponseURL, true, b.langOf(ctx, cb.User.ID), page, f, "")
}

// actionFlagHandleList is "Mark as handled" in the list: the flag is handled and the
// list shown again, on the same page with the same filter.
func (b *Bot) actionFlagHandleList(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	by := cb.User.ID
	lang := b.langOf(ctx, by)
	page, f, key, ok := parseFlagHandleValue(a.Value)
	if !ok {
		b.tellUnknownAction(ctx, by)
		return
	}
	note := ""
	if _, err := b.handleFlag(ctx, by, key); err != nil {
		if de, ok := asDomainError(err); ok && de.Code != mentoring.EINTERNAL {
			note = b.cat.T(lang, de.MessageKey, de.Data)
		} else {
			b.tellError(ctx, by, "", lang, err)
			return
		}
	}
	b.showFlags(ctx, by, cb.ResponseURL, true, lang, page, f, note)
}

// showFlags answers with a page of the follow-ups the filter lets through: through
// responseURL (replacing the list clicked when replace is set), or by DM from the App Home.
func (b *Bot) showFlags(ctx context.Context, by, responseURL string, replace bool, lang mentoring.Lang, page int, f mentoring.FlagFilter, note string) {
	fs, err := b.sessions.FindFlags(ctx, by, f, maxFlagsListed)
	if err != nil {
		b.tellError(ctx, by, responseURL, lang, err)
		return
	}
	blocks := renderFlagList(b.cat, lang, fs, flagListView{Page: page, Filter: f, Loc: b.personZone(ctx, by), Note: note})
	text := b.cat.T(lang, "flags_title", nil)
	if responseURL == "" {
		b.dm(ctx, by, text, blocks)
		return
	}
	msg := &slack.WebhookMessage{Text: text, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: replace,
		Blocks: &slack.Blocks{BlockSet: capBlocks(blocks, MaxMessageBlocks, "…")}}
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, b.http, msg); err != nil {
		b.log.Error("answer with the flags", "err", redact(err.Error()))
	}
}

// flagListView is how a list of follow-ups is shown: its page, the filter it was asked
// with (the buttons keep it), the reader's time zone and a note above it.
type flagListView struct {
	Page   int
	Filter mentoring.FlagFilter
	Loc    *time.Location
	Note   string
}

// renderFlagList renders one page of follow-ups, newest first, within Slack's block
// limits: each open one with its handled button, each handled one with who handled it.
func renderFlagList(cat *Catalog, lang mentoring.Lang, fs []mentoring.Flag, v flagListView) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	title := "flags_title"
	if v.Filter.All {
		title = "flags_title_all"
	}
	blocks := []slack.Block{header(t(title, nil))}
	if v.Note != "" {
		blocks = append(blocks, section(v.Note))
	}
	filtered := v.Filter != (mentoring.FlagFilter{})
	if filtered {
		blocks = append(blocks, contextText(describeFlagFilter(cat, lang, v.Filter)))
	}
	if len(fs) == 0 {
		if filtered {
			return append(blocks, section(t("flags_none_match", nil)))
		}
		return append(blocks, section(t("flags_none", nil)))
	}
	pages := (len(fs) + flagsPerPage - 1) / flagsPerPage
	page := min(max(v.Page, 0), pages-1)
	summary := "flags_summary"
	if v.Filter.All {
		summary = "flags_summary_all"
	}
	blocks = append(blocks, contextText(t(summary, map[string]any{"N": len(fs), "Page": page + 1, "Pages": pages})))
	for _, f := range fs[page*flagsPerPage : min(len(fs), (page+1)*flagsPerPage)] {
		text := t("flags_line", map[string]any{"Cause": flagCause(cat, lang, f), "At": dateTimeText(lang, f.CreatedAt, v.Loc)})
		if f.Handled() {
			text += "\n" + t("flag_handled", map[string]any{"By": f.HandledBy, "At": dateTimeText(lang, f.HandledAt, v.Loc)})
			blocks = append(blocks, section(text))
			continue
		}
		handle := button(actionFlagHandleList, t("flag_handle_button", nil), flagHandleValue(page, v.Filter, f.Key), "")
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(handle)))
	}
	if pages > 1 {
		var nav []slack.BlockElement
		if page > 0 {
			nav = append(nav, button(actionFlagsPage, t("button_prev", nil), flagPageValue(page-1, v.Filter), ""))
		}
		if page < pages-1 {
			nav = append(nav, button(actionFlagsPageNext, t("button_next", nil), flagPageValue(page+1, v.Filter), ""))
		}
		blocks = append(blocks, slack.NewActionBlock("actions_flags_pages", nav...))
	}
	return blocks
}
