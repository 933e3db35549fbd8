package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// dispatch handles one Socket Mode event on the loop goroutine: it acknowledges the
// envelope straight away and hands any slow work to the pool. Nothing here waits on the
// network or the database.
func (b *Bot) dispatch(ctx context.Context, evt socketmode.Event) {
	defer b.pool.hold()()
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("dispatch panicked", "type", evt.Type, "panic", r)
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				b.ack(evt.Request.EnvelopeID, nil)
			}
		}
	}()
	if evt.Request != nil {
		b.pool.sawEnvelope()
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Info("connecting to Slack")
	case socketmode.EventTypeConnected:
		b.log.Info("connected to Slack")
		b.onReady.Do(func() { close(b.ready) })
	case socketmode.EventTypeHello:
		b.log.Debug("socket hello")
	case socketmode.EventTypeConnectionError:
		b.log.Warn("socket connection error", "err", redactErr(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("Slack refused the app token")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("socket error", "type", evt.Type, "err", redactErr(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		b.ackBadMessage(evt)
	case socketmode.EventTypeSlashCommand:
		b.ack(envelopeID(evt), nil)
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return
		}
		b.submit("command", func(ctx context.Context) { b.handleCommand(ctx, cmd) },
			func(ctx context.Context) { b.apologise(ctx, cmd.UserID, cmd.ResponseURL) })
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			b.ack(envelopeID(evt), nil)
			return
		}
		b.dispatchInteraction(envelopeID(evt), cb)
	case socketmode.EventTypeEventsAPI:
		b.ack(envelopeID(evt), nil)
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return
		}
		b.dispatchEvent(evt.Request, ev)
	default:
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			b.ack(evt.Request.EnvelopeID, nil)
		}
	}
}

func envelopeID(evt socketmode.Event) string {
	if evt.Request == nil {
		return ""
	}
	return evt.Request.EnvelopeID
}

// ack acknowledges an envelope, with payload when it carries an answer (a modal's
// response_action). A missing envelope ID has nothing to acknowledge.
func (b *Bot) ack(envelopeID string, payload any) {
	if envelopeID == "" {
		return
	}
	if err := b.sm.AckCtx(context.Background(), envelopeID, payload); err != nil {
		b.log.Error("ack failed", "envelope_id", envelopeID, "err", err)
	}
}

// ackBadMessage acknowledges an envelope slack-go could not parse, from its raw
// envelope_id, so Slack does not redeliver it. Slash commands land here in practice: in
// Socket Mode Slack sends is_enterprise_install as the string "false", which slack-go's
// SlashCommand cannot decode, so the bot reads the payload itself and serves the command.
func (b *Bot) ackBadMessage(evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	_ = json.Unmarshal(bad.Message, &env)
	b.ack(env.EnvelopeID, nil)
	if env.Type == string(socketmode.RequestTypeSlashCommands) {
		// The payload is read by the worker, after the acknowledgement.
		raw := bad.Message
		b.submit("command", func(ctx context.Context) {
			cmd, ok := decodeSlashCommand(rawPayload(raw))
			if !ok {
				b.log.Warn("unreadable slash command", "envelope_id", env.EnvelopeID)
				return
			}
			b.handleCommand(ctx, cmd)
		}, func(ctx context.Context) {
			if cmd, ok := decodeSlashCommand(rawPayload(raw)); ok {
				b.apologise(ctx, cmd.UserID, cmd.ResponseURL)
			}
		})
		return
	}
	b.log.Warn("unreadable envelope", "type", truncate(env.Type, 40), "envelope_id", env.EnvelopeID, "err", bad.Cause)
}

// rawPayload returns the payload of a raw envelope, or nil.
func rawPayload(raw json.RawMessage) json.RawMessage {
	var full struct {
		Payload json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(raw, &full)
	return full.Payload
}

// decodeSlashCommand reads a slash_commands payload tolerantly: every field as Slack
// sends it (strings), is_enterprise_install as a string or a boolean.
func decodeSlashCommand(raw json.RawMessage) (slack.SlashCommand, bool) {
	var p struct {
		Token               string `json:"token"`
		TeamID              string `json:"team_id"`
		TeamDomain          string `json:"team_domain"`
		EnterpriseID        string `json:"enterprise_id"`
		EnterpriseName      string `json:"enterprise_name"`
		IsEnterpriseInstall any    `json:"is_enterprise_install"`
		ChannelID           string `json:"channel_id"`
		ChannelName         string `json:"channel_name"`
		UserID              string `json:"user_id"`
		UserName            string `json:"user_name"`
		Command             string `json:"command"`
		Text                string `json:"text"`
		ResponseURL         string `json:"response_url"`
		TriggerID           string `json:"trigger_id"`
		APIAppID            string `json:"api_app_id"`
	}
	if err := json.Unmarshal(raw, &p); err != nil || p.UserID == "" {
		return slack.SlashCommand{}, false
	}
	enterprise := p.IsEnterpriseInstall == true || p.IsEnterpriseInstall == "true"
	return slack.SlashCommand{
		Token: p.Token, TeamID: p.TeamID, TeamDomain: p.TeamDomain,
		EnterpriseID: p.EnterpriseID, EnterpriseName: p.EnterpriseName, IsEnterpriseInstall: enterprise,
		ChannelID: p.ChannelID, ChannelName: p.ChannelName, UserID: p.UserID, UserName: p.UserName,
		Command: p.Command, Text: p.Text, ResponseURL: p.ResponseURL, TriggerID: p.TriggerID, APIAppID: p.APIAppID,
	}, true
}

// submit queues slow work; when the queue is full the person is told to try again.
func (b *Bot) submit(name string, run, onPanic func(ctx context.Context)) {
	if b.pool.submit(job{name: name, run: run, onPanic: onPanic}) {
		return
	}
	b.log.Warn("handler queue full", "job", name)
	if onPanic != nil {
		go func() {
			defer func() { _ = recover() }()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			onPanic(ctx)
		}()
	}
}

// dispatchEvent routes an Events API event, after dropping Slack's retries of one we handled.
func (b *Bot) dispatchEvent(req *socketmode.Request, ev slackevents.EventsAPIEvent) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	eventID := ""
	if ok {
		eventID = cb.EventID
	}
	retry := 0
	if req != nil {
		retry = req.RetryAttempt
	}
	b.submit("event", func(ctx context.Context) {
		if eventID != "" && b.events != nil {
			first, err := b.events.MarkEventSeen(ctx, eventID, b.clock.Now())
			if err != nil {
				b.log.Error("dedupe event", "event_id", eventID, "err", err)
			} else if !first {
				b.log.Debug("duplicate event dropped", "event_id", eventID, "retry_attempt", retry)
				return
			}
		}
		switch inner := ev.InnerEvent.Data.(type) {
		case *slackevents.AppHomeOpenedEvent:
			if inner.Tab == "" || inner.Tab == "home" {
				b.publishHome(ctx, inner.User)
			}
		case *slackevents.MessageEvent:
			b.handleDirectMessage(ctx, inner)
		default:
			b.log.Debug("event ignored", "type", ev.InnerEvent.Type)
		}
	}, nil)
}

// redactErr turns an event's error payload into a loggable string with no secrets in it.
func redactErr(data any) slog.Value {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return slog.StringValue(redact(d.Error()))
	case *slack.IncomingEventError:
		return slog.StringValue(redact(d.Error()))
	case error:
		return slog.StringValue(redact(d.Error()))
	}
	return slog.StringValue("")
}
