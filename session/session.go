package session

import (
	"errors"
	"net/http"
)

// Store is everything selfmfa's handler needs from the host's session. Values are opaque bytes.
//
// Implementations must be safe for concurrent use, must store exactly the key given, and must
// return [ErrNoSession] (possibly wrapped) instead of panicking when the request has no session.
// Put and Delete must be called before the response is written (see the package doc).
type Store interface {
	// Get returns the value stored under key in the request's session. ok is false when the
	// key is not present; err is only for failures (no session, store errors, a value the
	// store cannot return as bytes).
	Get(r *http.Request, key string) (val []byte, ok bool, err error)
	// Put stores val under key, replacing any previous value. A nil val is stored as an empty
	// value. The store must not keep a reference to val.
	Put(w http.ResponseWriter, r *http.Request, key string, val []byte) error
	// Delete removes key from the session. Deleting a key that is not present is not an error.
	Delete(w http.ResponseWriter, r *http.Request, key string) error
}

// Renewer is implemented by stores that can rotate the session identifier. The handler calls
// Renew after the step-up login and after a factor is added or removed (privilege changes), so
// that a session identifier fixed or observed before is useless afterwards; mfahandler.New
// requires it unless the host passes mfahandler.WithoutSessionRenewal. Renew keeps the session's data, issues a
// new identifier (a new cookie), and makes the old identifier load nothing.
type Renewer interface {
	Renew(w http.ResponseWriter, r *http.Request) error
}

// ErrNoSession is returned when the request carries no session, almost always because the
// store's middleware does not wrap the handler.
var ErrNoSession = errors.New("session: no session on this request; wrap the handler in the store's middleware (for scs: sm.LoadAndSave)")
