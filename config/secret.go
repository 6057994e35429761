package config

import "log/slog"

// Secret is a configuration value that must never be shown: tokens,
// passwords, signing secrets. Printing, logging or marshalling a Secret
// shows "[redacted]"; Value returns the real string.
type Secret string

const redacted = "[redacted]"

// Value returns the secret itself, for the code that uses it.
func (s Secret) Value() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return `config.Secret("` + s.String() + `")` }

// LogValue hides the value from log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText hides the value from encoders (JSON, YAML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
