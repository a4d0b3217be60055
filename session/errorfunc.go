package session

import (
	"log/slog"
	"net/http"
)

// ErrorHeader is set on the response by [ErrorFunc]: the session could not be loaded or
// saved, and a 503 has already been written.
const ErrorHeader = "X-Session-Error"

// ErrorFunc returns a function for scs.SessionManager.ErrorFunc. scs calls it when the session
// store fails (a Redis outage, an undecodable session) before or after your handlers run, and
// its default answers a bare "500 Internal Server Error" with none of the headers selfmfa's
// pages carry. This one answers 503 with Cache-Control: no-store, a strict Content-Security-
// Policy, frame-ancestors 'none', nosniff and no-referrer, a plain message that never echoes
// the error, and logs the error to logger (slog.Default() when nil):
//
//	sm.ErrorFunc = session.ErrorFunc(logger)
//
// It sets the whole host's behaviour on store errors, which is the point: a session outage
// should look the same on every page.
//
// When scs fails to save the session as a handler starts its response, it calls ErrorFunc
// first and then lets the handler's own status and body through to the same connection. This
// ErrorFunc therefore sets the [ErrorHeader] response header, which mfahandler checks before
// writing a page, so that nothing of the page (a recovery code, a secret) follows the 503.
// Your own handlers can do the same: after WriteHeader, skip the body when
// w.Header().Get(session.ErrorHeader) != "".
func ErrorFunc(logger *slog.Logger) func(http.ResponseWriter, *http.Request, error) {
	if logger == nil {
		logger = slog.Default()
	}
	return func(w http.ResponseWriter, r *http.Request, err error) {
		logger.Error("session: the session store failed", "method", r.Method, "path", r.URL.Path, "error", err.Error())
		h := w.Header()
		for _, k := range []string{"Location", "Set-Cookie", "Content-Length", "Content-Encoding", "Etag", "Last-Modified"} {
			h.Del(k) // whatever the handler had prepared before the commit failed
		}
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Retry-After", "30")
		h.Set(ErrorHeader, "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("Your session could not be read or saved right now. Please try again in a moment.\n"))
	}
}
