package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Exports is what HR's export needs of the domain: the programme's data as tables,
// without private notes, for an HR admin.
type Exports interface {
	Export(ctx context.Context, by string) ([]mentoring.Table, error)
}

// actionExport is the admin App Home's export button.
const actionExport = "export"

// exportRetries is how many times one file's upload waits out Slack's rate limit.
const exportRetries = 3

// commandExport is `/reverse-mentor admin export`: the CSV files, uploaded to the
// admin's DM with the bot.
func (b *Bot) commandExport(ctx context.Context, r commandRequest) {
	b.export(ctx, r.userID, r.responseURL, r.lang)
}

// actionExport is the admin App Home's button: the same as the command.
func (b *Bot) actionExport(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.export(ctx, cb.User.ID, "", b.langOf(ctx, cb.User.ID))
}

// export builds the tables (the domain checks the admin and leaves private notes out),
// writes them as CSV with formula-looking cells neutralised, and uploads each with files
// upload v2 to the admin's DM, which conversations.open finds.
func (b *Bot) export(ctx context.Context, by, responseURL string, lang mentoring.Lang) {
	tables, err := b.exports.Export(ctx, by)
	if err != nil {
		b.tellError(ctx, by, responseURL, lang, err)
		return
	}
	ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{by}, ReturnIM: true})
	if err != nil {
		b.log.Error("conversations.open for the export", "user", by, "err", redact(err.Error()))
		b.tellError(ctx, by, responseURL, lang, err)
		return
	}
	stamp := b.clock.Now().UTC().Format("2006-01-02")
	var names []string
	for i, t := range tables {
		var buf bytes.Buffer
		if err := t.WriteCSV(&buf); err != nil {
			b.tellError(ctx, by, responseURL, lang, fmt.Errorf("export %s: %w", t.Name, err))
			return
		}
		name := "reverse-mentor-" + stamp + "-" + t.Name
		params := slack.UploadFileParameters{FileSize: buf.Len(), Filename: name, Title: name, Channel: ch.ID}
		if i == 0 {
			params.InitialComment = b.cat.T(lang, "export_comment", map[string]any{"N": len(tables)})
		}
		if err := b.upload(ctx, params, buf.Bytes()); err != nil {
			b.log.Error("upload the export", "user", by, "file", t.Name, "err", redact(err.Error()))
			text := b.cat.T(lang, "export_failed", map[string]any{"Done": strings.Join(names, ", ")})
			b.reply(ctx, by, responseURL, text, []slack.Block{section(text)})
			return
		}
		names = append(names, t.Name)
	}
	b.log.Info("exported", "by", by, "files", len(names))
	text := b.cat.T(lang, "export_done", map[string]any{"N": len(names), "Files": strings.Join(names, ", ")})
	b.reply(ctx, by, responseURL, text, []slack.Block{section(text)})
}

// upload uploads one file's content, waiting out a rate limit a few times (each wait
// capped at a minute) before giving up.
func (b *Bot) upload(ctx context.Context, params slack.UploadFileParameters, content []byte) error {
	for attempt := 0; ; attempt++ {
		params.Reader = bytes.NewReader(content)
		_, err := b.api.UploadFileContext(ctx, params)
		var rl *slack.RateLimitedError
		if err == nil || !errors.As(err, &rl) || attempt == exportRetries {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(rl.RetryAfter, time.Minute)):
		}
	}
}
