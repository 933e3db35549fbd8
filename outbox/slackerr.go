package outbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// outcome is what a failed Slack call means for the message.
type outcome int

const (
	// rateLimited: Slack refused the call (429); wait Retry-After and try again.
	rateLimited outcome = iota + 1
	// transient: a 5xx, a timeout, a dropped connection or Slack's own internal error;
	// back off and try again, up to the attempt limit.
	transient
	// permanent: the message can never be delivered as it is (no such channel, a
	// deactivated user, invalid blocks…); give up and record why.
	permanent
	// aborted: our own shutdown cut the call short.
	aborted
)

// verdict classifies a failed Slack call.
type verdict struct {
	outcome    outcome
	reason     string        // Slack's error code or a short description, recorded on the row
	retryAfter time.Duration // for rateLimited
	// uncertain: the request may have been carried out although we got no answer, so
	// the message may be posted already.
	uncertain bool
}

// transientCodes are Slack error codes worth retrying. Any other code is permanent:
// among them channel_not_found, not_in_channel, is_archived, account_inactive,
// user_disabled, user_not_found, cannot_dm_bot, invalid_blocks, msg_too_long and
// restricted_action.
var transientCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"team_added_to_org":   true,
}

// authCodes say the app's token or scopes are wrong. No message can be sent until an
// admin fixes that, so they are retried with backoff, not failed one by one.
var authCodes = map[string]bool{
	"invalid_auth":           true,
	"not_authed":             true,
	"token_revoked":          true,
	"token_expired":          true,
	"missing_scope":          true,
	"not_allowed_token_type": true,
}

// classify tells what err from a Slack call means. aborted is set when our own
// shutdown cancelled the call's context (as opposed to the per-call timeout).
func classify(err error, abortedByUs bool) verdict {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return verdict{outcome: rateLimited, reason: "ratelimited", retryAfter: max(rl.RetryAfter, time.Second)}
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return classifyCode(se.Err)
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests: // no Retry-After header
			return verdict{outcome: rateLimited, reason: "ratelimited", retryAfter: time.Second}
		case sc.Code >= 500 || sc.Code == http.StatusRequestTimeout:
			// Slack may have done the work before failing to answer.
			return verdict{outcome: transient, reason: sc.Status, uncertain: true}
		default:
			return verdict{outcome: permanent, reason: sc.Status}
		}
	}
	if abortedByUs && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return verdict{outcome: aborted, reason: "shutdown during the call", uncertain: true}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return verdict{outcome: transient, reason: "timeout", uncertain: true}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		// Nothing was sent.
		return verdict{outcome: transient, reason: "connect: " + op.Err.Error()}
	}
	// Broken connections, unreadable answers: the request may have got through.
	return verdict{outcome: transient, reason: err.Error(), uncertain: true}
}

// classifyCode classifies a Slack error code from an "ok": false answer.
func classifyCode(code string) verdict {
	switch {
	case code == "ratelimited" || code == "rate_limited":
		return verdict{outcome: rateLimited, reason: code, retryAfter: time.Second}
	case transientCodes[code]:
		// An internal error may come after the message was stored.
		return verdict{outcome: transient, reason: code, uncertain: true}
	case authCodes[code]:
		return verdict{outcome: transient, reason: code}
	default:
		return verdict{outcome: permanent, reason: code}
	}
}
