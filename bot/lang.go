package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Languages is what the bot needs of the domain to speak to each person in their
// language: their choice, else their Slack locale, else the programme's.
type Languages interface {
	Language(ctx context.Context, userID, locale string) (mentoring.Lang, error)
	SetLanguage(ctx context.Context, userID string, lang mentoring.Lang) error
	DefaultLanguage() mentoring.Lang
}

// commandLang is `/reverse-mentor lang ja|en`.
func (b *Bot) commandLang(ctx context.Context, r commandRequest) {
	want, ok := mentoring.Lang(""), false
	if len(r.args) == 1 && len(r.args[0]) <= 5 {
		want, ok = mentoring.ParseLang(r.args[0])
	}
	if !ok {
		text := b.cat.T(r.lang, "lang_usage", nil)
		b.respond(ctx, r.responseURL, text, []slack.Block{section(text)})
		return
	}
	if err := b.langs.SetLanguage(ctx, r.userID, want); err != nil {
		b.tellError(ctx, r.userID, r.responseURL, r.lang, err)
		return
	}
	text := b.cat.T(want, "lang_set", nil)
	b.respond(ctx, r.responseURL, text, []slack.Block{section(text)})
	b.publishHome(ctx, r.userID)
}

// actionSetLang is the language button on the App Home; its value is the language.
func (b *Bot) actionSetLang(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	lang, ok := mentoring.ParseLang(a.Value)
	if !ok {
		b.tellUnknownAction(ctx, cb.User.ID)
		return
	}
	if err := b.langs.SetLanguage(ctx, cb.User.ID, lang); err != nil {
		b.log.Error("set language", "err", err)
		b.apologise(ctx, cb.User.ID, "")
		return
	}
	b.publishHome(ctx, cb.User.ID)
}

// langOf returns the language to speak to the user in.
func (b *Bot) langOf(ctx context.Context, userID string) mentoring.Lang {
	_, lang := b.personAndLang(ctx, userID)
	return lang
}

// personAndLang looks the user up in Slack and resolves their language: their choice,
// else their Slack locale, else the programme's. Failures are logged and fall back, so
// the person is always answered.
func (b *Bot) personAndLang(ctx context.Context, userID string) (mentoring.Person, mentoring.Lang) {
	person, err := b.users.lookup(ctx, userID)
	if err != nil {
		b.log.Warn("users.info", "user", userID, "err", redact(err.Error()))
	}
	lang, err := b.langs.Language(ctx, userID, person.Locale)
	if err != nil {
		b.log.Error("language", "user", userID, "err", err)
	}
	return person, lang
}
