package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Profiles is what joining needs of the domain: a draft to prefill the opt-in modal, a
// pure check of a submission, saving it, the self-ratings of a first opt-in, and the
// choices the modal offers. The topic catalogue also labels topics wherever a profile
// or a pair is shown.
type Profiles interface {
	DraftProfile(ctx context.Context, person mentoring.Person) (mentoring.Profile, bool, error)
	CheckProfile(userID string, p mentoring.Profile) (mentoring.Profile, mentoring.FieldErrors)
	Join(ctx context.Context, person mentoring.Person, p mentoring.Profile) (mentoring.JoinResult, error)
	RecordStartRatings(ctx context.Context, userID string, ratings map[string]int) error
	Catalogue() mentoring.Catalogue
	Departments() []string
}

// commandJoin is `/reverse-mentor join`: the opt-in modal, or the profile to edit.
func (b *Bot) commandJoin(ctx context.Context, r commandRequest) {
	b.openJoin(ctx, r.userID, r.triggerID, r.responseURL)
}

// actionOpenJoin is every Join and Edit button: the same modal as the command.
func (b *Bot) actionOpenJoin(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.openJoin(ctx, cb.User.ID, cb.TriggerID, "")
}

// openJoin opens the opt-in modal, prefilled for someone editing their profile, with
// the current cycle's guidelines. The trigger lives 3 seconds, so this runs first in its
// job and does only two quick reads before views.open. When the trigger has expired,
// the person gets a button that opens it anew.
func (b *Bot) openJoin(ctx context.Context, userID, triggerID, responseURL string) {
	person, lang := b.personAndLang(ctx, userID)
	draft, editing, err := b.profiles.DraftProfile(ctx, person)
	if err != nil {
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	view := renderJoinModal(b.cat, joinForm{
		Lang: lang, Draft: draft, Editing: editing,
		Catalogue: b.profiles.Catalogue(), Departments: b.profiles.Departments(), Cycle: b.currentCycle(ctx),
	})
	if _, err := b.api.OpenViewContext(ctx, triggerID, view); err != nil {
		b.log.Warn("views.open", "user", userID, "err", redact(err.Error()))
		text := b.cat.T(lang, "join_open_failed", nil)
		b.reply(ctx, userID, responseURL, text, []slack.Block{
			section(text),
			slack.NewActionBlock("actions_join_retry", button(actionOpenJoin, b.cat.T(lang, "button_join", nil), "", slack.StylePrimary)),
		})
	}
}

// checkJoin reads and checks an opt-in submission before the acknowledgement, so
// problems show inline; a good one is saved after it. A first opt-in is saved on a
// worker and its modal goes on to the rating page, built from the role and topics
// chosen: the person has joined whether or not they answer it, so closing it loses
// nothing they typed, and the page is shown only once the opt-in is saved, so its
// answer always finds them joined. An edit is one page.
func (b *Bot) checkJoin(cb slack.InteractionCallback, meta modalMeta) viewAnswer {
	userID := cb.User.ID
	profile, errs := b.profiles.CheckProfile(userID, decodeJoin(cb.View.State))
	if errs != nil {
		return viewAnswer{ack: viewErrors{ResponseAction: "errors", Errors: joinErrors(b.cat, meta.Lang, errs)}}
	}
	if meta.New {
		if page, ok := ratingPage(b.cat, meta.Lang, profile, b.profiles.Catalogue()); ok {
			return viewAnswer{
				ack: viewUpdate{ResponseAction: "update", View: renderJoinNotice(b.cat, meta.Lang, "join_saving")},
				next: func(ctx context.Context) slack.ModalViewRequest {
					if !b.saveJoin(ctx, userID, meta.Lang, profile) {
						return renderJoinNotice(b.cat, meta.Lang, "join_save_failed_modal")
					}
					return page
				},
			}
		}
	}
	return viewAnswer{work: func(ctx context.Context) { b.saveJoin(ctx, userID, meta.Lang, profile) }}
}

// renderJoinNotice is the opt-in modal saying one thing, with a close button: that it
// is saving, or that saving failed (the answers are in the person's DM).
func renderJoinNotice(cat *Catalog, lang mentoring.Lang, key string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain(cat.T(lang, "join_title", nil), MaxModalTitle),
		Close:  plain(cat.T(lang, "modal_close", nil), MaxModalTitle),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(cat.T(lang, key, nil))}},
	}
}

// saveJoin stores a checked profile and confirms by DM; it reports whether it was
// saved. When saving fails the person gets their answers back in the apology, so
// nothing they typed is lost.
func (b *Bot) saveJoin(ctx context.Context, userID string, lang mentoring.Lang, profile mentoring.Profile) bool {
	person, err := b.users.lookup(ctx, userID)
	if err != nil {
		b.log.Warn("users.info", "user", userID, "err", redact(err.Error()))
	}
	res, err := b.profiles.Join(ctx, person, profile)
	if err != nil {
		b.log.Error("join", "user", userID, "err", err)
		text := b.cat.T(lang, "join_save_failed", nil)
		b.dm(ctx, userID, text, []slack.Block{
			section(text),
			section(profileSummary(b.cat, lang, profile, b.profiles.Catalogue())),
			slack.NewActionBlock("actions_join_retry", button(actionOpenJoin, b.cat.T(lang, "button_join", nil), "", slack.StylePrimary)),
		})
		return false
	}
	b.log.Info("joined", "user", userID, "role", res.Participant.Role, "created", res.Created)
	blocks := renderJoined(b.cat, lang, res, b.profiles.Catalogue())
	b.dm(ctx, userID, b.cat.T(lang, joinedKey(res), nil), blocks)
	b.publishHome(ctx, userID)
	return true
}

func joinedKey(res mentoring.JoinResult) string {
	if !res.Created {
		return "joined_updated"
	}
	if res.Participant.Role == mentoring.RoleMentor {
		return "joined_mentor"
	}
	return "joined_mentee"
}

// renderJoined is the DM that confirms an opt-in or an edit.
func renderJoined(cat *Catalog, lang mentoring.Lang, res mentoring.JoinResult, catalogue mentoring.Catalogue) []slack.Block {
	name := res.Participant.DisplayName
	blocks := []slack.Block{
		section(cat.T(lang, joinedKey(res), map[string]any{"Name": name})),
		section(profileSummary(cat, lang, res.Participant.Profile, catalogue)),
	}
	if res.Created {
		blocks = append(blocks, section(cat.T(lang, "joined_next", nil)))
	}
	blocks = append(blocks, contextText(cat.T(lang, "joined_footer", nil)))
	return blocks
}

// profileSummary renders a profile as mrkdwn lines.
func profileSummary(cat *Catalog, lang mentoring.Lang, p mentoring.Profile, catalogue mentoring.Catalogue) string {
	var topics []string
	for _, id := range p.Topics {
		if t, ok := catalogue.Topic(id); ok {
			topics = append(topics, t.Label(lang))
		}
	}
	if p.FreeTopics != "" {
		topics = append(topics, truncate(p.FreeTopics, 300))
	}
	var langs []string
	for _, l := range p.Languages {
		langs = append(langs, cat.T(lang, "lang_name_"+string(l), nil))
	}
	manager := cat.T(lang, "profile_none", nil)
	if p.ManagerID != "" {
		manager = "<@" + p.ManagerID + ">"
	}
	data := map[string]any{
		"Role":       cat.T(lang, "role_name_"+roleKey(p.Role), nil),
		"Department": escapeMrkdwn(p.Department),
		"Manager":    manager,
		"Topics":     escapeMrkdwn(strings.Join(topics, cat.T(lang, "list_separator", nil))),
		"Languages":  strings.Join(langs, cat.T(lang, "list_separator", nil)),
		"Cadence":    cat.T(lang, "cadence_"+cadenceKey(p.Cadence), nil),
		"Capacity":   p.Capacity,
		"IsMentor":   p.Role == mentoring.RoleMentor,
	}
	return cat.T(lang, "profile_summary", data)
}

func roleKey(r mentoring.Role) string {
	if r.Valid() {
		return string(r)
	}
	return "unknown"
}

func cadenceKey(c mentoring.Cadence) string {
	if c.Valid() {
		return string(c)
	}
	return string(mentoring.CadenceBiweekly)
}

// escapeMrkdwn makes user text safe inside mrkdwn: no mentions, links or broadcasts.
func escapeMrkdwn(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
