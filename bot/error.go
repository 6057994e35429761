package bot

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Every error that crosses a package boundary carries one of
// these, so that callers decide what to do (retry, refuse, report) from the
// code and never from an SDK or HTTP error type.
const (
	ECONFLICT    = "conflict"    // the action conflicts with the current state
	EFORBIDDEN   = "forbidden"   // the caller may not do this
	EINTERNAL    = "internal"    // a bug or an unexpected failure
	EINVALID     = "invalid"     // the input is wrong
	ENOTFOUND    = "not_found"   // the thing does not exist
	EUNAVAILABLE = "unavailable" // a dependency is busy or down; trying later may work
)

// Error is herald's one error type. Code is one of the E* constants; Message
// is safe to show to a moderator or operator (it never holds a secret); Err is
// an optional underlying cause kept for logs and errors.Is/As.
type Error struct {
	Code    string
	Message string
	Err     error
	// Step says where delivering a message failed, when the error comes
	// from a platform adapter; "" otherwise.
	Step Step
	// RetryAfter is how long the platform asked herald to wait (a 429 with
	// Retry-After); zero otherwise.
	RetryAfter time.Duration
	// Reach, when set, is what the platform said of the person: herald
	// records it in the contact directory (blocked, never started, gone).
	Reach Reachability
	// Key, when set, names this message in the moderators' catalogue,
	// with Args: surfaces show it in the reader's language. Message stays
	// the English text, for logs and the command line.
	Key  string
	Args []any
}

// Translated sets e's catalogue key and arguments and returns e.
func (e *Error) Translated(key string, args ...any) *Error {
	e.Key, e.Args = key, args
	return e
}

// ErrorKey returns the catalogue key and arguments of the first *Error
// in err's chain that has one.
func ErrorKey(err error) (string, []any) {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return "", nil
		}
		if e.Key != "" {
			return e.Key, e.Args
		}
		err = e.Err
	}
	return "", nil
}

// WithReach sets e.Reach and returns e.
func (e *Error) WithReach(r Reachability) *Error {
	e.Reach = r
	return e
}

// ErrorReach returns the Reach of the first *Error in err's chain, or
// ReachUnknown.
func ErrorReach(err error) Reachability {
	var e *Error
	if errors.As(err, &e) {
		return e.Reach
	}
	return ReachUnknown
}

// Errorf returns an *Error with the given code and a formatted message. A %w
// verb in format wraps its argument as the cause, as with fmt.Errorf.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// StepErrorf returns an *Error for a delivery that failed at step.
func StepErrorf(step Step, code, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Step = step
	return e
}

// RateLimited returns the EUNAVAILABLE error for a platform that refused a
// request for going too fast and asked to wait d.
func RateLimited(platform Platform, d time.Duration) *Error {
	return &Error{Code: EUNAVAILABLE, Message: fmt.Sprintf("%s asked herald to slow down for %s", platform, d), RetryAfter: d}
}

// ErrorStep returns the Step of the first *Error in err's chain, or "".
func ErrorStep(err error) Step {
	var e *Error
	if errors.As(err, &e) {
		return e.Step
	}
	return ""
}

// ErrorRetryAfter returns the RetryAfter of the first *Error in err's
// chain and whether it asks to wait.
func ErrorRetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return 0, false
}

// Error returns the message, followed by the cause when there is one and the
// message does not already include it.
func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of the first *Error in err's chain,
// or a generic message for other errors so that internal details (which may
// name hosts, paths or tokens) are not shown to users. It returns "" for nil.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
