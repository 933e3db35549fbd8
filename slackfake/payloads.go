package slackfake

import (
	"encoding/json"
	"strings"
)

// Payload shapes follow what Slack sends over Socket Mode: slash command
// fields are all strings (is_enterprise_install is "false"), interaction
// payloads carry user, team, api_app_id, token and trigger_id, and views
// are sent whole with their state.

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeText escapes &, < and > as Slack does in command and message text.
func escapeText(s string) string { return slackEscaper.Replace(s) }

func (s *Server) userRef(u *userRecord) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": s.opts.TeamID}
}

func (s *Server) teamRef() map[string]any {
	return map[string]any{"id": s.opts.TeamID, "domain": s.domain}
}

// slashCommandPayload is the payload of a slash_commands envelope.
func (s *Server) slashCommandPayload(u *userRecord, c *conversation, text, responseURL, triggerID string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{
		"token":                 s.verificationToken(),
		"team_id":               s.opts.TeamID,
		"team_domain":           s.domain,
		"channel_id":            c.id,
		"channel_name":          c.channelName(),
		"user_id":               u.ID,
		"user_name":             u.Name,
		"command":               s.opts.Command,
		"text":                  escapeText(text),
		"api_app_id":            s.opts.AppID,
		"is_enterprise_install": "false",
		"response_url":          responseURL,
		"trigger_id":            triggerID,
	})
	return b
}

// interactionBase holds the fields every interactive payload has.
func (s *Server) interactionBase(typ string, u *userRecord, triggerID string) map[string]any {
	p := map[string]any{
		"type":                  typ,
		"user":                  s.userRef(u),
		"api_app_id":            s.opts.AppID,
		"token":                 s.verificationToken(),
		"team":                  s.teamRef(),
		"enterprise":            nil,
		"is_enterprise_install": false,
	}
	if triggerID != "" {
		p["trigger_id"] = triggerID
	}
	return p
}

// viewJSON renders a view as views.* methods return it and payloads carry it.
func (s *Server) viewJSON(v *view) map[string]any {
	obj := map[string]any{
		"id":                    v.id,
		"team_id":               s.opts.TeamID,
		"type":                  v.kind,
		"blocks":                deepCopy(v.blocks),
		"private_metadata":      v.privateMetadata,
		"callback_id":           v.callbackID,
		"state":                 map[string]any{"values": v.stateJSON(true)},
		"hash":                  v.hash,
		"clear_on_close":        v.clearOnClose,
		"notify_on_close":       v.notifyOnClose,
		"root_view_id":          v.rootID,
		"app_id":                s.opts.AppID,
		"external_id":           v.externalID,
		"app_installed_team_id": s.opts.TeamID,
		"bot_id":                s.opts.BotID,
	}
	if v.previousID != "" {
		obj["previous_view_id"] = v.previousID
	} else {
		obj["previous_view_id"] = nil
	}
	if v.kind == "modal" {
		obj["title"] = v.title
		obj["close"] = v.closeText
		obj["submit"] = v.submit
		obj["submit_disabled"] = v.submitDisabled
	}
	return obj
}
