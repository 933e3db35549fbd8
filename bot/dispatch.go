package bot

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// dispatch handles one Socket Mode event on the loop goroutine: it acknowledges the
// envelope and hands any slow work to the pool. Nothing here waits on the network or the
// database: acknowledgements are written by the acker. When the pool is full, nothing a
// person sent is lost: a command is answered in its acknowledgement, a modal stays open
// with the person's answers and an inline note, a click is answered from a bounded queue,
// and an event is left unacknowledged for Slack to redeliver (handling it is idempotent).
func (b *Bot) dispatch(ctx context.Context, evt socketmode.Event) {
	defer b.pool.hold()()
	defer func() {
		b.origin = origin{}
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
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			b.ack(envelopeID(evt), nil)
			return
		}
		b.serveCommand(envelopeID(evt), cmd.UserID, cmd.ResponseURL,
			func(ctx context.Context) { b.handleCommand(ctx, cmd) },
			func(ctx context.Context) { b.apologise(ctx, cmd.UserID, cmd.ResponseURL) })
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			b.ack(envelopeID(evt), nil)
			return
		}
		if !b.pool.hasRoom() {
			b.refuseInteraction(envelopeID(evt), cb)
			return
		}
		b.origin = b.interactionOrigin(cb)
		b.dispatchInteraction(envelopeID(evt), cb)
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			b.ack(envelopeID(evt), nil)
			return
		}
		if !b.pool.hasRoom() {
			// Unacknowledged, the event comes back (same event_id) and is handled once.
			b.log.Warn("busy: event left for Slack to redeliver", "envelope_id", envelopeID(evt))
			return
		}
		b.ack(envelopeID(evt), nil)
		b.dispatchEvent(evt.Request, ev)
	default:
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			b.ack(evt.Request.EnvelopeID, nil)
		}
	}
}

// origin is what the jobs queued for the envelope being dispatched need to know of it:
// set and read on the loop goroutine only.
type origin struct {
	key     string                    // jobs with this key run one at a time (a person's forms)
	abandon func(ctx context.Context) // tells the person when the bot stops before the job
}

func envelopeID(evt socketmode.Event) string {
	if evt.Request == nil {
		return ""
	}
	return evt.Request.EnvelopeID
}

// ack acknowledges an envelope, with payload when it carries an answer (a modal's
// response_action), through the acker: it never blocks. A missing envelope ID has
// nothing to acknowledge.
func (b *Bot) ack(envelopeID string, payload any) {
	if envelopeID == "" {
		return
	}
	b.acks.send(envelopeID, payload)
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
	if env.Type == string(socketmode.RequestTypeSlashCommands) {
		// The payload is read by the worker, after the acknowledgement.
		raw := bad.Message
		tell := func(ctx context.Context, answer func(ctx context.Context, userID, responseURL string)) {
			if cmd, ok := decodeSlashCommand(rawPayload(raw)); ok {
				answer(ctx, cmd.UserID, cmd.ResponseURL)
			}
		}
		b.origin.abandon = func(ctx context.Context) { tell(ctx, b.tellStopping) }
		b.serveCommand(env.EnvelopeID, "", "", func(ctx context.Context) {
			cmd, ok := decodeSlashCommand(rawPayload(raw))
			if !ok {
				b.log.Warn("unreadable slash command", "envelope_id", env.EnvelopeID)
				return
			}
			b.handleCommand(ctx, cmd)
		}, func(ctx context.Context) { tell(ctx, b.apologise) })
		return
	}
	b.ack(env.EnvelopeID, nil)
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

// submit queues slow work for the envelope being dispatched. The loop checks for room
// first, so the queue refuses only when a stop has closed it: then the person is told,
// from the bounded queue of refusals.
func (b *Bot) submit(name string, run, onPanic func(ctx context.Context)) {
	j := job{name: name, key: b.origin.key, run: run, onPanic: onPanic, onAbandon: b.origin.abandon}
	if b.pool.submit(j) {
		return
	}
	b.log.Warn("handler queue closed", "job", name)
	tell := j.onAbandon
	if tell == nil {
		tell = onPanic
	}
	if tell != nil {
		b.refusals.add(name, tell)
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
