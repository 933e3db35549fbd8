package slackfake

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// responseURL is a response_url handed out with a slash command or a block
// action: valid for 30 minutes (on the server's clock, see Options.Clock) and 5
// uses, as in Slack.
type responseURL struct {
	channel, user string
	source        *message // the message a block action came from; nil for commands
	expires       time.Time
	uses          int
}

func (s *Server) newResponseURLLocked(kind, channel, user string, source *message) string {
	path := "/" + kind + "/" + s.opts.TeamID + "/" + s.ids.token() + "/" + s.ids.secret()
	s.responseURLs[path] = &responseURL{channel: channel, user: user, source: source, expires: s.now().Add(responseURLTTL)}
	return s.base + path
}

// serveResponseURL takes messages posted to a response_url: JSON with text,
// blocks, response_type, replace_original and delete_original. Calls are
// recorded under the method name "response_url".
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	res := s.handleResponseURL(r)
	code, _ := res.body["error"].(string)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "response_url", Params: res.params, At: at, Status: res.status, Error: code})
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, res.apiResult)
}

type responseURLResult struct {
	apiResult
	params map[string]any
}

func (s *Server) handleResponseURL(r *http.Request) responseURLResult {
	if r.Method != http.MethodPost {
		return responseURLResult{apiResult: apiResult{status: http.StatusMethodNotAllowed, body: map[string]any{"ok": false, "error": "invalid_method"}}}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	v, jerr := decodeJSON(body)
	params := asMap(v)
	if err != nil || jerr != nil || params == nil {
		return responseURLResult{apiResult: fail("invalid_payload")}
	}
	out := responseURLResult{params: params}
	req := &apiRequest{params: params}

	s.mu.Lock()
	defer s.mu.Unlock()
	ru := s.responseURLs[r.URL.Path]
	switch {
	case ru == nil || s.now().After(ru.expires):
		out.apiResult = apiResult{status: http.StatusNotFound, body: map[string]any{"ok": false, "error": "expired_url"}}
		return out
	case ru.uses >= responseURLUses:
		out.apiResult = apiResult{status: http.StatusNotFound, body: map[string]any{"ok": false, "error": "used_url"}}
		return out
	}
	var blocks []any
	blocksGiven := false
	if bv, present, err := req.jsonParam("blocks"); err != nil {
		out.apiResult = fail("invalid_blocks_format")
		return out
	} else if present {
		blocks, blocksGiven = asSlice(bv), true
		if problems := validateMessageBlocks(blocks); len(problems) > 0 {
			out.apiResult = failBlocks(problems)
			return out
		}
	}
	text := req.str("text")
	c := s.convs[ru.channel]
	if c == nil {
		out.apiResult = fail("channel_not_found")
		return out
	}
	ru.uses++
	src := ru.source
	switch {
	case req.flag("delete_original"):
		if src != nil && !src.deleted {
			src.deleted = true
			s.showMessageLocked(c, src, "message_delete")
		}
	case req.flag("replace_original") && src != nil:
		if strings.TrimSpace(text) == "" && !blocksGiven {
			out.apiResult = fail("no_text")
			return out
		}
		// The original is replaced whole: without blocks it keeps none.
		src.text, src.blocks = text, blocks
		ensureIDs(&s.ids, src.blocks)
		src.edited, src.editedTS = true, s.ids.ts()
		s.showMessageLocked(c, src, "message_update")
	default:
		if strings.TrimSpace(text) == "" && len(blocks) == 0 {
			out.apiResult = fail("no_text")
			return out
		}
		m := &message{user: s.opts.BotUserID, botID: s.opts.BotID, text: text, blocks: blocks, threadTS: req.str("thread_ts")}
		if req.str("response_type") != "in_channel" {
			m.ephemeral, m.to = true, ru.user
		}
		s.postLocked(c, m)
	}
	out.apiResult = ok(nil)
	return out
}
