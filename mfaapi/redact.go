package mfaapi

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/selfmfa/selfmfa/internal/wire"
)

// redacted replaces every secret in String, GoString, Format and LogValue output.
const redacted = wire.Redacted

// redact returns redacted for a non-empty secret and "" for an empty one, so output still
// says whether the value was present.
func redact(s string) string { return wire.Redact(s) }

// redactList is redact for a list of secrets: "[REDACTED x2]".
func redactList(l []string) string { return wire.RedactList(l) }

// field is one member of a redacting view; secret values are already redacted.
type field struct {
	name string // Go field name (String, GoString)
	key  string // slog key
	val  any    // string, int, bool, time.Time or time.Duration
}

func wireFields(fs []field) []wire.Field {
	out := make([]wire.Field, len(fs))
	for i, f := range fs {
		out[i] = wire.Field{Name: f.name, Key: f.key, Val: f.val}
	}
	return out
}

func viewString(typ string, fs []field) string   { return wire.ViewString(typ, wireFields(fs)) }
func viewGoString(typ string, fs []field) string { return wire.ViewGoString(typ, wireFields(fs)) }
func viewLog(fs []field) slog.Value              { return wire.ViewLog(wireFields(fs)) }
func goTime(t time.Time) string                  { return wire.GoTime(t) }

// formatValue implements fmt.Formatter for the redacting types: %v, %+v and %s print s, %#v
// prints gs, %q quotes s; any other verb prints the usual bad-verb marker around s.
func formatValue(f fmt.State, verb rune, s, gs string) { wire.FormatValue(f, verb, s, gs) }
