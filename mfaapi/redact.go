package mfaapi

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// redacted replaces every secret in String, GoString, Format and LogValue output.
const redacted = "[REDACTED]"

// redact returns redacted for a non-empty secret and "" for an empty one, so output still
// says whether the value was present.
func redact(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// redactList is redact for a list of secrets: "[REDACTED x2]".
func redactList(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return fmt.Sprintf("[REDACTED x%d]", len(l))
}

// field is one member of a redacting view; secret values are already redacted.
type field struct {
	name string // Go field name (String, GoString)
	key  string // slog key
	val  any    // string, int, bool, time.Time or time.Duration
}

func viewString(typ string, fs []field) string {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.name)
		b.WriteByte(':')
		switch v := f.val.(type) {
		case string:
			b.WriteString(strconv.Quote(v))
		case time.Time:
			if !v.IsZero() {
				b.WriteString(v.Format(time.RFC3339))
			}
		default:
			fmt.Fprint(&b, v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

func viewGoString(typ string, fs []field) string {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.name)
		b.WriteByte(':')
		switch v := f.val.(type) {
		case time.Time:
			b.WriteString(goTime(v))
		case time.Duration:
			b.WriteString(strconv.FormatInt(int64(v), 10))
		default:
			fmt.Fprintf(&b, "%#v", v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

func viewLog(fs []field) slog.Value {
	attrs := make([]slog.Attr, 0, len(fs))
	for _, f := range fs {
		if s, ok := f.val.(string); ok && s == "" {
			continue
		}
		if t, ok := f.val.(time.Time); ok && t.IsZero() {
			continue
		}
		attrs = append(attrs, slog.Any(f.key, f.val))
	}
	return slog.GroupValue(attrs...)
}

func goTime(t time.Time) string {
	if t.IsZero() {
		return "time.Time{}"
	}
	u := t.UTC()
	return fmt.Sprintf("time.Date(%d, %d, %d, %d, %d, %d, %d, time.UTC)",
		u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond())
}

// formatValue implements fmt.Formatter for the redacting types: %v, %+v and %s print s, %#v
// prints gs, %q quotes s; any other verb prints the usual bad-verb marker around s.
func formatValue(f fmt.State, verb rune, s, gs string) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, gs)
			return
		}
		_, _ = io.WriteString(f, s)
	case 's':
		_, _ = io.WriteString(f, s)
	case 'q':
		_, _ = io.WriteString(f, strconv.Quote(s))
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(%s)", verb, s)
	}
}
