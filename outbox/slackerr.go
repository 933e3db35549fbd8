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
	// back off and try again until the row is older than MaxAge.
	transient
	// workspace: the app's token or scopes are wrong, so no message can go out until an
	// admin fixes them. All sending pauses; the row waits, unharmed.
	workspace
	// recipient: this conversation cannot take the message (a deactivated person, an
	// archived or unknown channel); only this row fails, and HR sees why.
	recipient
	// permanent: the message can never be delivered as it is (invalid blocks, text too
	// long, an error Slack does not document); the row fails with the reason.
	permanent
	// aborted: our own shutdown cut the call short.
	aborted
)

// verdict classifies a failed Slack call.
type verdict struct {
	outcome    outcome
	code       string        // Slack's error code, when it gave one
	reason     string        // Slack's error code or a short description, recorded on the row
	retryAfter time.Duration // for rateLimited
	// uncertain: the request may have been carried out although we got no answer, so
	// the message may be posted already.
	uncertain bool
}

// transientCodes are Slack error codes worth retrying.
var transientCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"team_added_to_org":   true,
}

// workspaceCodes say the app's token, its scopes or the workspace itself refuse every
// call: nothing can be sent until an admin acts, so sending pauses instead of failing
// the messages one by one.
var workspaceCodes = map[string]bool{
	"invalid_auth":            true,
	"not_authed":              true,
	"token_revoked":           true,
	"token_expired":           true,
	"account_inactive":        true, // the token's user or workspace is deleted
	"missing_scope":           true,
	"not_allowed_token_type":  true,
	"no_permission":           true,
	"team_access_not_granted": true,
	"ekm_access_denied":       true,
	"access_denied":           true,
	"org_login_required":      true,
}

// recipientCodes say this one conversation cannot take a message, whatever is in it.
var recipientCodes = map[string]bool{
	"user_not_found":        true,
	"users_not_found":       true,
	"cannot_dm_bot":         true,
	"user_disabled":         true,
	"is_archived":           true,
	"channel_not_found":     true,
	"not_in_channel":        true,
	"restricted_action":     true,
	"messages_tab_disabled": true,
	"user_not_visible":      true,
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
		case sc.Code == http.StatusUnauthorized || sc.Code == http.StatusForbidden:
			return verdict{outcome: workspace, reason: sc.Status}
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
	v := verdict{code: code, reason: code}
	switch {
	case code == "ratelimited" || code == "rate_limited":
		v.outcome, v.retryAfter = rateLimited, time.Second
	case transientCodes[code]:
		// An internal error may come after the message was stored.
		v.outcome, v.uncertain = transient, true
	case workspaceCodes[code]:
		v.outcome = workspace
	case recipientCodes[code]:
		v.outcome = recipient
	default:
		v.outcome = permanent
	}
	return v
}

// slackCode returns Slack's error code in err, or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}
