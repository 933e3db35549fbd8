package mentoring

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kinds of notice the programme sends. The renderer picks a message by kind and reads
// the notice's Data in the shape that kind defines.
const (
	NoticeIntro         = "intro"          // group DM introducing a new pair
	NoticeOrientation   = "orientation"    // private DM to a mentor or mentee after pairing
	NoticeCheckinPrompt = "checkin_prompt" // DM asking for a check-in after a session window (or its nudge)
	NoticePulse         = "pulse"          // one-tap pulse survey DM
	NoticeFlag          = "flag"           // private follow-up flag to one HR admin
	NoticePairEnded     = "pair_ended"     // DM to someone whose partner left
	NoticeResumed       = "resumed"        // DM when a pause ends by itself
	NoticeSummary       = "summary"        // weekly HR summary in the HR channel
	NoticeCycleReview   = "cycle_review"   // mid-cycle rule-review prompt to one HR admin
	NoticeCycleSurvey   = "cycle_survey"   // end-of-cycle survey invitation to one participant
	NoticeCycleReport   = "cycle_report"   // a cycle's report in the HR channel
	NoticeSummaryChart  = "summary_chart"  // the weekly summary's trend chart, a PNG in the HR channel
	NoticeReportChart   = "report_chart"   // a cycle report's before/after chart, a PNG in the HR channel
)

// MaxNoticeUsers is the most people one notice may address: Slack opens a group DM
// with at most eight people besides the app.
const MaxNoticeUsers = 8

// Notice is one message the programme owes someone: a use case produces it in the same
// transaction as the change that caused it, and the outbox delivers it exactly once. It
// says who is told what, never how: rendering and Slack belong to the adapters.
type Notice struct {
	// Key identifies the notice for good, e.g. "pulse:2025-11-03:U123". Producing the
	// same key again is a no-op, so a retried use case never sends twice.
	Key string
	// Kind is one of the Notice* kinds.
	Kind string
	// UserIDs are the people addressed: one means a DM with that person, two or more a
	// group DM with all of them. Empty when Channel is set.
	UserIDs []string
	// Channel is a channel ID to post in instead of UserIDs.
	Channel string
	// Data is the kind-specific payload the renderer reads (JSON); may be empty.
	Data json.RawMessage
	// NotBefore holds the notice back until then; the zero time sends it at once.
	NotBefore time.Time
	// Replaces is the key of an earlier notice whose message this one rewrites in place
	// (a prompt that now says it was answered, a flag another admin handled); empty for
	// a new message. It goes to the same recipients as the notice it replaces.
	Replaces string
}

// Validate reports whether the notice can be delivered: it has a key and a kind,
// exactly one kind of recipient (a channel or one to MaxNoticeUsers people), and Data,
// when given, is valid JSON. The error is an *Error with code EINVALID.
func (n Notice) Validate() error {
	var problems []string
	if strings.TrimSpace(n.Key) == "" {
		problems = append(problems, "no key")
	}
	if strings.TrimSpace(n.Kind) == "" {
		problems = append(problems, "no kind")
	}
	switch users := n.users(); {
	case n.Channel != "" && len(n.UserIDs) > 0:
		problems = append(problems, "both a channel and users")
	case n.Channel == "" && len(n.UserIDs) == 0:
		problems = append(problems, "no recipient")
	case len(n.UserIDs) > 0 && len(users) != len(n.UserIDs):
		problems = append(problems, "an empty, repeated or malformed user ID")
	case len(users) > MaxNoticeUsers:
		problems = append(problems, fmt.Sprintf("%d users, at most %d", len(users), MaxNoticeUsers))
	}
	if len(n.Data) > 0 && !json.Valid(n.Data) {
		problems = append(problems, "data is not valid JSON")
	}
	if len(problems) == 0 {
		return nil
	}
	return &Error{
		Code:       EINVALID,
		MessageKey: "error_internal",
		Err:        fmt.Errorf("notice %q: %w", n.Key, errors.New(strings.Join(problems, "; "))),
	}
}

// UsersKey names the set of people a notice addresses: the user IDs sorted, without
// repeats, joined with ",". Two notices to the same people in any order share a key,
// and so share a DM. It is "" for a channel notice.
func (n Notice) UsersKey() string {
	return strings.Join(n.users(), ",")
}

// users returns the distinct, well-formed user IDs, sorted.
func (n Notice) users() []string {
	var set []string
	for _, id := range n.UserIDs {
		if id == "" || strings.ContainsAny(id, ", \t\n") || slices.Contains(set, id) {
			continue
		}
		set = append(set, id)
	}
	slices.Sort(set)
	return set
}
