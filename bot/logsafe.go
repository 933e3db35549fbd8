package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
)

// responseURLPattern matches a slash command's or an interaction's response_url: for 30
// minutes anyone who has it can post as the app in that conversation, so it is a
// credential. An HTTP error quotes the URL it failed on.
var responseURLPattern = regexp.MustCompile(`https?://[^\s"'<>]+/(?:commands|actions)/[^\s"'<>]+`)

// scrub removes what must never reach a log from s: Slack tokens and response URLs.
func scrub(s string) string {
	return Redact(responseURLPattern.ReplaceAllString(s, "[response_url]"))
}

// safeHandler is the bot's log handler: every string, error and value logged is
// scrubbed first, whichever handler logged it, so no code path can log a token or a
// response_url by mistake.
type safeHandler struct{ next slog.Handler }

// Enabled reports what the wrapped handler reports.
func (h safeHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle scrubs the record's message and attributes and passes it on.
func (h safeHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(scrubAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs scrubs the attributes and passes them on.
func (h safeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = scrubAttr(a)
	}
	return safeHandler{h.next.WithAttrs(clean)}
}

// WithGroup passes the group on.
func (h safeHandler) WithGroup(name string) slog.Handler { return safeHandler{h.next.WithGroup(name)} }

// scrubAttr scrubs one attribute, groups included.
func scrubAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, scrub(v.String()))
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, scrub(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, scrub(x.String()))
		case string:
			return slog.String(a.Key, scrub(x))
		}
		return slog.String(a.Key, scrub(fmt.Sprint(v.Any())))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = scrubAttr(g)
		}
		return slog.Group(a.Key, clean...)
	}
	return slog.Attr{Key: a.Key, Value: v}
}
