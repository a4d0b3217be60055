package mebackend

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/selfmfa/selfmfa/myaccount"
)

// write is one write through a token, and what it does to that token's cached list.
type write struct {
	b       *Backend
	token   string
	learned *myaccount.Method
}

// writing begins a write through token; end it with defer w.end(&err).
func (b *Backend) writing(token string) *write {
	b.lists.beginWrite()
	return &write{b: b, token: token}
}

// learn records the method Auth0 answered the write with, when it is the confirmed method
// wantID: the list is then updated instead of read again. Anything else is not trusted.
func (w *write) learn(m *myaccount.Method, wantID string) {
	if m != nil && m.ID == methodID(wantID) && m.Confirmed {
		w.learned = m
	}
}

// methodID is the id a method is listed under: an enrollment's id comes from its Location,
// percent-encoded ("phone%7Cdev_…"), and is sent back as given.
func methodID(verifyID string) string {
	if id, err := url.PathUnescape(verifyID); err == nil {
		return id
	}
	return verifyID
}

// learnPending records the pending method a start created (Confirmed false), from the id and
// type the 202 and the request give.
func (w *write) learnPending(m myaccount.Method) {
	if m.ID = methodID(m.ID); m.ID != "" && !m.Confirmed {
		w.learned = &m
	}
}

// end updates, keeps or drops the cached list: updated with the learned method; kept when
// Auth0 refused the write outright (a 4xx that is not 404 or 409: a wrong code, a limit, a
// bad request), which changed nothing; dropped otherwise.
func (w *write) end(err *error) {
	// A list read that began while this write ran may predate it: it is not kept.
	w.b.lists.beginWrite()
	switch {
	case *err == nil && w.learned != nil:
		w.b.lists.learn(w.token, *w.learned)
		return
	case *err != nil:
		var me *myaccount.Error
		if errors.As(*err, &me) && me.Status >= 400 && me.Status < 500 &&
			me.Status != http.StatusNotFound && me.Status != http.StatusConflict {
			return
		}
	}
	w.b.lists.drop(w.token)
}
