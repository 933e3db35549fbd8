package slackfake

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Fault is an injected Web API failure.
type Fault struct {
	Status int // HTTP status: 429, 500, 503…; 0 means 200 with an error body
	// RetryAfter is sent with a 429 in the Retry-After header, in whole
	// seconds as Slack does (rounded up; at least 1).
	RetryAfter time.Duration
	// SlackError is the "error" of the body, e.g. "channel_not_found";
	// default "ratelimited" for 429 and "internal_error" for 5xx.
	SlackError string
}

// FailNext makes the next n calls of method ("*" for any method) fail with
// f. Faults for a method are used before faults for "*".
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{method, "*"} {
		if q := s.faults[key]; len(q) > 0 {
			s.faults[key] = q[1:]
			return q[0], true
		}
	}
	return Fault{}, false
}

func (f Fault) result() apiResult {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	code := f.SlackError
	if code == "" {
		switch {
		case status == http.StatusTooManyRequests:
			code = "ratelimited"
		case status >= 500:
			code = "internal_error"
		default:
			code = "fatal_error"
		}
	}
	res := apiResult{status: status, body: map[string]any{"ok": false, "error": code}}
	if status == http.StatusTooManyRequests {
		res.header = http.Header{"Retry-After": {retryAfterHeader(f.RetryAfter)}}
	}
	return res
}

// retryAfterHeader renders a wait as whole seconds, rounded up, at least 1.
func retryAfterHeader(d time.Duration) string {
	secs := int(math.Ceil(d.Seconds()))
	return strconv.Itoa(max(secs, 1))
}

type limitKey struct {
	method     string
	perChannel bool
}

// bucket is a token bucket, one per channel when the limit is per channel.
type bucket struct {
	rate, burst float64
	states      map[string]*bucketState
}

type bucketState struct {
	tokens float64
	last   time.Time
}

func (b *bucket) state(key string, now time.Time) *bucketState {
	st := b.states[key]
	if st == nil {
		st = &bucketState{tokens: b.burst, last: now}
		b.states[key] = st
	}
	st.tokens = math.Min(b.burst, st.tokens+now.Sub(st.last).Seconds()*b.rate)
	st.last = now
	return st
}

// SetRateLimit enforces a limit of perSecond calls of method ("*" for all
// methods together) with bursts of up to burst calls, for each channel when
// perChannel is set (e.g. chat.postMessage 1/s per channel), for the whole
// workspace otherwise. A per-channel and a workspace limit may both be set
// on one method. Calls beyond the limit get HTTP 429 with Retry-After.
// perSecond <= 0 removes the limit.
func (s *Server) SetRateLimit(method string, perSecond float64, burst int, perChannel bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := limitKey{method: method, perChannel: perChannel}
	if perSecond <= 0 {
		delete(s.limits, key)
		return
	}
	s.limits[key] = &bucket{rate: perSecond, burst: float64(max(burst, 1)), states: map[string]*bucketState{}}
}

// checkRateLimit takes a token from every limit that applies to the call,
// or none if any is empty, in which case the call is answered with a 429.
func (s *Server) checkRateLimit(r *apiRequest) (apiResult, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.limits) == 0 {
		return apiResult{}, false
	}
	now := time.Now()
	var states []*bucketState
	var wait time.Duration
	for key, b := range s.limits {
		if key.method != r.method && key.method != "*" {
			continue
		}
		k := ""
		if key.perChannel {
			k = s.rateKeyLocked(r)
		}
		st := b.state(k, now)
		if st.tokens < 1 {
			wait = max(wait, time.Duration((1-st.tokens)/b.rate*float64(time.Second)))
		}
		states = append(states, st)
	}
	if wait > 0 {
		return Fault{Status: http.StatusTooManyRequests, RetryAfter: wait}.result(), true
	}
	for _, st := range states {
		st.tokens--
	}
	return apiResult{}, false
}

// rateKeyLocked names the channel a call is about; a user ID and the ID of
// the bot's DM with that user name the same channel.
func (s *Server) rateKeyLocked(r *apiRequest) string {
	ch := r.str("channel")
	if ch == "" {
		ch = r.str("channel_id")
	}
	if c := s.convs[ch]; c != nil && c.kind == convIM {
		return "im:" + c.members[0]
	}
	if u := s.users[ch]; u != nil {
		return "im:" + ch
	}
	return ch
}
