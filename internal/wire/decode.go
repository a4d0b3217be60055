package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// DecodeJSON checks a 2xx answer's Content-Type loosely (JSON, +json, or none) and decodes
// body into v. It returns "" on success, or the problem: a wrong Content-Type, an empty body,
// or where the JSON is broken. The problem never quotes the body (the JSON package's own
// error text may).
func DecodeJSON(h http.Header, body []byte, v any) string {
	if ct := h.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")) {
			return "Content-Type is not JSON"
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return "empty body"
	}
	if err := json.Unmarshal(body, v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
		case errors.As(err, &te):
			return fmt.Sprintf("unexpected JSON %s for %s", te.Value, te.Field)
		}
		return "invalid JSON"
	}
	return ""
}
