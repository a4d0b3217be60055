package wire

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Redacted replaces every secret in String, GoString, Format and LogValue output.
const Redacted = "[REDACTED]"

// Redact returns Redacted for a non-empty secret and "" for an empty one, so output still
// says whether the value was present.
func Redact(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

// RedactList is Redact for a list of secrets: "[REDACTED x2]".
func RedactList(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return fmt.Sprintf("[REDACTED x%d]", len(l))
}

// Field is one member of a redacting view; secret values are already redacted.
type Field struct {
	Name string // Go field name (ViewString, ViewGoString)
	Key  string // slog key (ViewLog)
	Val  any    // string, int, bool, []string, time.Time or time.Duration
}

// ViewString renders typ{Name:value …}: strings quoted, times in RFC 3339 (empty when zero).
func ViewString(typ string, fs []Field) string {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Name)
		b.WriteByte(':')
		switch v := f.Val.(type) {
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

// ViewGoString renders typ{Name:value, …} in Go syntax.
func ViewGoString(typ string, fs []Field) string {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Name)
		b.WriteByte(':')
		switch v := f.Val.(type) {
		case time.Time:
			b.WriteString(GoTime(v))
		case time.Duration:
			b.WriteString(strconv.FormatInt(int64(v), 10))
		default:
			fmt.Fprintf(&b, "%#v", v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// ViewLog is the slog group of fs, leaving out empty strings and zero times.
func ViewLog(fs []Field) slog.Value {
	attrs := make([]slog.Attr, 0, len(fs))
	for _, f := range fs {
		if s, ok := f.Val.(string); ok && s == "" {
			continue
		}
		if t, ok := f.Val.(time.Time); ok && t.IsZero() {
			continue
		}
		attrs = append(attrs, slog.Any(f.Key, f.Val))
	}
	return slog.GroupValue(attrs...)
}

// GoTime renders t as a time.Date call in UTC, or time.Time{} when zero.
func GoTime(t time.Time) string {
	if t.IsZero() {
		return "time.Time{}"
	}
	u := t.UTC()
	return fmt.Sprintf("time.Date(%d, %d, %d, %d, %d, %d, %d, time.UTC)",
		u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond())
}

// FormatValue implements fmt.Formatter for the redacting types: %v, %+v and %s print s, %#v
// prints gs, %q quotes s; any other verb prints the usual bad-verb marker around s.
func FormatValue(f fmt.State, verb rune, s, gs string) {
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
