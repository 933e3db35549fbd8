package mentoring

import (
	"errors"
	"fmt"
)

// Error codes, stable across releases, that adapters map to user-facing messages.
const (
	ECONFLICT    = "conflict"    // the action conflicts with the current state
	EINTERNAL    = "internal"    // a fault of ours; the user sees an apology
	EINVALID     = "invalid"     // the input breaks a rule
	ENOTFOUND    = "not_found"   // the thing does not exist
	EFORBIDDEN   = "forbidden"   // the user may not do this
	ENOTJOINED   = "not_joined"  // the user has not joined the programme
	EUNAVAILABLE = "unavailable" // a dependency is down; try again later
)

// Error is a domain error: a code for programs and a message key for people. MessageKey
// names an entry in the bot's message catalogs, so the user reads it in their language;
// internal details stay in Err and are only logged.
type Error struct {
	Code       string
	MessageKey string
	Data       map[string]any // template data for MessageKey
	Err        error          // the underlying cause, never shown to users
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s (%s): %v", e.Code, e.MessageKey, e.Err)
	}
	return fmt.Sprintf("%s (%s)", e.Code, e.MessageKey)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and message key.
func Errorf(code, messageKey string, data map[string]any) *Error {
	return &Error{Code: code, MessageKey: messageKey, Data: data}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrNotFound is returned by stores when a record does not exist.
var ErrNotFound = &Error{Code: ENOTFOUND, MessageKey: "error_not_found"}
