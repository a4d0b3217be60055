package mfahandler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/a-h/templ"

	"github.com/selfmfa/selfmfa/session"
)

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// request is what every page handler gets: the signed-in host user and the request.
type request struct {
	*http.Request
	sub string
	// closers run when the page handler returns (the enrollment core's locks).
	closers []func()
}

type pageFunc func(w http.ResponseWriter, r *request) error

// page wraps a page handler: it requires a signed-in host user, parses and bounds POST forms,
// and renders failures.
func (h *Handler) page(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A panic (in a host view, layout or hook, or a bug of ours) answers an error page
		// instead of a dropped connection: the host's session middleware then still commits
		// (its session id may have been rotated already) and the user keeps their place.
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.logger().Error("mfahandler: panic while serving a page", "path", r.URL.Path, "panic", panicText(v), "stack", string(debug.Stack()))
			h.fail(w, r, h.failure(r, http.StatusInternalServerError, tWentWrong, mPageFailed, nil))
		}()
		sub, ok := h.cfg.CurrentUser(r)
		if !ok || sub == "" {
			if h.opts.unauthenticated != nil {
				h.opts.unauthenticated.ServeHTTP(w, r)
				return
			}
			h.fail(w, r, h.failure(r, http.StatusUnauthorized, tSignIn, mSignIn, nil).withNext(h.t(r, lHome), "/"))
			return
		}
		if r.Method == http.MethodPost {
			if err := h.parsePostForm(r); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		// One deadline for every upstream call of this request (WithRequestTimeout).
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.requestTimeout)
		defer cancel()
		req := &request{Request: r.WithContext(ctx), sub: sub}
		defer func() {
			for _, c := range req.closers {
				c()
			}
		}()
		if err := fn(w, req); err != nil {
			h.fail(w, req.Request, err)
		}
	})
}

// parsePostForm accepts only application/x-www-form-urlencoded bodies with single-valued,
// bounded fields. The query string is ignored on POST.
func (h *Handler) parsePostForm(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded") {
		return h.failure(r, http.StatusUnsupportedMediaType, tUnsupportedForm, mUnsupportedForm, nil)
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return h.failure(r, http.StatusRequestEntityTooLarge, tFormTooLarge, mFormTooLarge, err)
		}
		return h.badForm(r, mFormUnreadable, err)
	}
	if len(r.PostForm) > maxFormFields {
		return h.badForm(r, mFormTooManyFields, nil)
	}
	for _, v := range r.PostForm {
		if len(v) != 1 {
			return h.badForm(r, mFormFieldTwice, nil)
		}
	}
	return nil
}

// formValue is the single POST value of a field (never the query string).
func formValue(r *request, key string) string {
	if v := r.PostForm[key]; len(v) == 1 {
		return v[0]
	}
	return ""
}

// render writes a page with status. The page is rendered into a buffer first so a template
// error never produces half a page; session writes must already be done.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf, err := h.prepare(r, c)
	if err != nil {
		return err
	}
	return writePage(w, r, status, buf)
}

// maxPageHint bounds the size a page buffer starts at: a host view that once rendered a huge
// page does not make every later page allocate that much.
const maxPageHint = 256 << 10

// prepare renders c into a buffer: a failing (or panicking) view changes nothing yet.
func (h *Handler) prepare(r *http.Request, c templ.Component) (*bytes.Buffer, error) {
	buf := bytes.NewBuffer(make([]byte, 0, h.pageSize.Load()))
	// Without the request's deadline: a page that explains a timeout must still render.
	if err := c.Render(context.WithoutCancel(r.Context()), buf); err != nil {
		return nil, fmt.Errorf("mfahandler: rendering page: %w", err)
	}
	for n := int64(min(buf.Len(), maxPageHint)); ; {
		seen := h.pageSize.Load()
		if n <= seen || h.pageSize.CompareAndSwap(seen, n) {
			break
		}
	}
	return buf, nil
}

// writePage sends a prepared page.
func writePage(w http.ResponseWriter, r *http.Request, status int, buf *bytes.Buffer) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if w.Header().Get(session.ErrorHeader) != "" {
		// The host's session store failed to save as the response started, and its ErrorFunc
		// has answered 503: nothing of this page (it may show a secret) may follow.
		return errSessionNotSaved
	}
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, buf)
	}
	return nil
}

// errSessionNotSaved reports that the session store failed as the response started and a 503
// was already written (session.ErrorFunc): the request must not answer anything else.
var errSessionNotSaved = errors.New("mfahandler: the session could not be saved; the store's error answer was sent")

// seeOther is the post-redirect-get answer to every POST, and the redirect of a GET that has
// nothing to show (e.g. no enrollment in progress).
func seeOther(w http.ResponseWriter, target string) error {
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// panicText is a recovered panic value for the log: a runtime error's message (an index out
// of range, a nil dereference), otherwise only the value's type, since a host view or hook
// that panics may have been handed a secret (a TOTP key, a recovery code) to show.
func panicText(v any) string {
	if re, ok := v.(runtime.Error); ok {
		return limitLen(re.Error(), 200)
	}
	return fmt.Sprintf("a value of type %T", v)
}

func (h *Handler) clientIP(r *http.Request) string {
	if h.opts.clientIP != nil {
		return h.opts.clientIP(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// isPrefetch reports a request the browser makes ahead of a navigation (link prefetch,
// speculation rules, prerender), which must not complete a step on the user's behalf.
func isPrefetch(r *http.Request) bool {
	for _, name := range []string{"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"} {
		v := strings.ToLower(r.Header.Get(name))
		if strings.Contains(v, "prefetch") || strings.Contains(v, "prerender") || strings.Contains(v, "preview") {
			return true
		}
	}
	return false
}

// refusePrefetch answers a prefetch with a status browsers discard; the real navigation then
// makes the request itself.
func refusePrefetch(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusServiceUnavailable)
	return nil
}

func limitLen(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// headOnly answers a HEAD of a page whose GET uses something up (a single display, a step of
// the lifecycle): the headers of an HTML page, and nothing done.
func headOnly(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	return nil
}
