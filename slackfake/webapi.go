package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Call is one Web API request the fake received.
type Call struct {
	Method string
	Params map[string]any // form and JSON parameters merged; the token is left out
	At     time.Time
	Status int    // HTTP status of the answer
	Error  string // the "error" of the answer, "" when ok
}

// Calls returns the Web API calls of method in the order they arrived, or
// every call when method is "" or "*".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || method == "*" || c.Method == method {
			c.Params = maps.Clone(c.Params)
			out = append(out, c)
		}
	}
	return out
}

// tokenKind is the kind of token a method accepts.
type tokenKind int

const (
	tokenBot tokenKind = iota
	tokenApp
)

// webMethod is a Web API method the fake answers: its handler and the token it takes.
type webMethod struct {
	handle func(s *Server, r *apiRequest) apiResult
	token  tokenKind
}

// webMethods are the Web API methods the product uses or is about to use; any other
// method gets unknown_method, so a new call shows up in tests at once.
var webMethods = map[string]webMethod{
	"auth.test":                    {(*Server).authTest, tokenBot},
	"apps.connections.open":        {(*Server).appsConnectionsOpen, tokenApp},
	"chat.postMessage":             {(*Server).chatPostMessage, tokenBot},
	"chat.postEphemeral":           {(*Server).chatPostEphemeral, tokenBot},
	"chat.update":                  {(*Server).chatUpdate, tokenBot},
	"chat.delete":                  {(*Server).chatDelete, tokenBot},
	"conversations.open":           {(*Server).conversationsOpen, tokenBot},
	"conversations.history":        {(*Server).conversationsHistory, tokenBot},
	"users.info":                   {(*Server).usersInfo, tokenBot},
	"users.list":                   {(*Server).usersList, tokenBot},
	"users.lookupByEmail":          {(*Server).usersLookupByEmail, tokenBot},
	"views.open":                   {(*Server).viewsOpen, tokenBot},
	"views.push":                   {(*Server).viewsPush, tokenBot},
	"views.update":                 {(*Server).viewsUpdate, tokenBot},
	"views.publish":                {(*Server).viewsPublish, tokenBot},
	"files.getUploadURLExternal":   {(*Server).filesGetUploadURLExternal, tokenBot},
	"files.completeUploadExternal": {(*Server).filesCompleteUploadExternal, tokenBot},
}

// apiRequest is a parsed Web API request.
type apiRequest struct {
	method string
	params map[string]any
	token  string
	isJSON bool
	at     time.Time
}

// apiResult is the answer to a Web API request.
type apiResult struct {
	status int
	body   map[string]any
	header http.Header
}

func ok(fields map[string]any) apiResult {
	body := map[string]any{"ok": true}
	maps.Copy(body, fields)
	return apiResult{status: http.StatusOK, body: body}
}

func fail(code string) apiResult {
	return apiResult{status: http.StatusOK, body: map[string]any{"ok": false, "error": code}}
}

// failArgs is Slack's answer to arguments that break its schema.
func failArgs(code string, messages ...string) apiResult {
	r := fail(code)
	msgs := make([]string, len(messages))
	for i, m := range messages {
		msgs[i] = "[ERROR] " + m
	}
	r.body["response_metadata"] = map[string]any{"messages": msgs}
	return r
}

// failBlocks is Slack's answer to a message whose blocks break Block Kit's rules.
func failBlocks(problems []string) apiResult {
	r := failArgs("invalid_blocks", problems...)
	r.body["errors"] = problems
	return r
}

func (s *Server) serveAPI(w http.ResponseWriter, hr *http.Request) {
	req := &apiRequest{method: strings.TrimPrefix(hr.URL.Path, "/api/"), at: time.Now()}
	res := s.handleAPI(req, hr)
	errCode, _ := res.body["error"].(string)

	params := maps.Clone(req.params)
	delete(params, "token")
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: req.method, Params: params, At: req.at, Status: res.status, Error: errCode})
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("slackfake: web api", "method", req.method, "status", res.status, "error", errCode)
	writeJSON(w, res)
}

func writeJSON(w http.ResponseWriter, res apiResult) {
	maps.Copy(w.Header(), res.header)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(res.status)
	_ = json.NewEncoder(w).Encode(res.body)
}

func (s *Server) handleAPI(req *apiRequest, hr *http.Request) apiResult {
	if err := req.parse(hr); err != nil {
		return fail(err.Error())
	}
	if f, hit := s.takeFault(req.method); hit {
		return f.result()
	}
	m, known := webMethods[req.method]
	if !known {
		r := fail("unknown_method")
		r.body["req_method"] = req.method
		return r
	}
	if res, bad := s.checkAuth(req, m.token); bad {
		return res
	}
	if res, limited := s.checkRateLimit(req); limited {
		return res
	}
	return m.handle(s, req)
}

func (s *Server) checkAuth(req *apiRequest, kind tokenKind) (apiResult, bool) {
	if req.token == "" {
		return fail("not_authed"), true
	}
	want, other := s.opts.BotToken, s.opts.AppToken
	if kind == tokenApp {
		want, other = other, want
	}
	switch req.token {
	case want:
		return apiResult{}, false
	case other:
		return fail("not_allowed_token_type"), true
	default:
		return fail("invalid_auth"), true
	}
}

// parse reads the token and parameters from the query string, a
// form-encoded or multipart body, or a JSON body. Errors are Slack error codes.
func (r *apiRequest) parse(hr *http.Request) error {
	r.params = map[string]any{}
	for k, v := range hr.URL.Query() {
		r.params[k] = v[0]
	}
	if auth := hr.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		r.token = strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
	}
	ctype, _, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	switch {
	case hr.Method == http.MethodGet:
	case ctype == "application/json":
		r.isJSON = true
		body, err := io.ReadAll(io.LimitReader(hr.Body, 8<<20))
		if err != nil {
			return fmt.Errorf("invalid_json")
		}
		if len(bytes.TrimSpace(body)) > 0 {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				return fmt.Errorf("invalid_json")
			}
			maps.Copy(r.params, obj)
		}
	case ctype == "multipart/form-data":
		if err := hr.ParseMultipartForm(8 << 20); err != nil {
			return fmt.Errorf("invalid_form_data")
		}
		for k, v := range hr.MultipartForm.Value {
			r.params[k] = v[0]
		}
	default:
		if err := hr.ParseForm(); err != nil {
			return fmt.Errorf("invalid_form_data")
		}
		for k, v := range hr.PostForm {
			r.params[k] = v[0]
		}
	}
	// Slack takes the token from the form too, but not from a JSON body.
	if t, ok := r.params["token"].(string); ok && r.token == "" && !r.isJSON {
		r.token = t
	}
	return nil
}

// str returns a parameter as a string ("" when absent).
func (r *apiRequest) str(name string) string {
	switch v := r.params[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// flag returns a boolean parameter: true, "true" or "1".
func (r *apiRequest) flag(name string) bool {
	switch v := r.params[name].(type) {
	case bool:
		return v
	default:
		s := r.str(name)
		return s == "true" || s == "1"
	}
}

// num returns an integer parameter, def when absent or malformed.
func (r *apiRequest) num(name string, def int) int {
	n, err := strconv.Atoi(r.str(name))
	if err != nil {
		return def
	}
	return n
}

// jsonParam returns a parameter that holds JSON: an object or array in a JSON
// body, or a JSON-encoded string in a form. present is false when absent.
func (r *apiRequest) jsonParam(name string) (v any, present bool, err error) {
	raw, found := r.params[name]
	if !found || raw == nil {
		return nil, false, nil
	}
	if s, isString := raw.(string); isString {
		if strings.TrimSpace(s) == "" {
			return nil, false, nil
		}
		v, err := decodeJSON([]byte(s))
		return v, true, err
	}
	// Normalise numbers the same way as a decoded string would be.
	b, _ := json.Marshal(raw)
	v, err = decodeJSON(b)
	return v, true, err
}

// decodeJSON decodes any JSON value, keeping numbers as json.Number.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) authTest(r *apiRequest) apiResult {
	return ok(map[string]any{
		"url":                   "https://" + s.domain + ".slack.com/",
		"team":                  s.opts.TeamName,
		"user":                  s.opts.BotName,
		"team_id":               s.opts.TeamID,
		"user_id":               s.opts.BotUserID,
		"bot_id":                s.opts.BotID,
		"is_enterprise_install": false,
	})
}

func (s *Server) appsConnectionsOpen(r *apiRequest) apiResult {
	ticket := newUUID()
	s.mu.Lock()
	now := time.Now()
	for t, at := range s.tickets {
		if now.Sub(at) > connectTicketTTL {
			delete(s.tickets, t)
		}
	}
	s.tickets[ticket] = now
	s.mu.Unlock()
	url := "ws" + strings.TrimPrefix(s.base, "http") + "/link/?ticket=" + ticket + "&app_id=" + s.opts.AppID
	return ok(map[string]any{"url": url})
}
