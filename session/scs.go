package session

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/alexedwards/scs/v2"
)

// scsNoSessionPanic is the exact value scs v2 panics with when a session method is called on a
// context that LoadAndSave did not prepare (scs data.go, getSessionDataFromContext).
const scsNoSessionPanic = "scs: no session data in context"

// SCS adapts an scs session manager to [Store] and [Renewer]. It holds nothing but the
// manager: all data lives in the request's session. Create it with [NewSCS].
//
// Values are stored as []byte, which scs's default gob codec keeps byte-exact with no
// registration. A custom SessionManager.Codec must also round-trip []byte values (a JSON codec
// that turns them into base64 strings does not); Get reports such a value as an error.
//
// SCS deliberately has no Destroy: ending the session is the host's business (its logout),
// and selfmfa only ever removes its own keys.
type SCS struct {
	sm *scs.SessionManager
}

// NewSCS returns a [Store] and [Renewer] backed by sm. Every request that reaches the store
// must pass through sm.LoadAndSave; otherwise the methods return [ErrNoSession].
//
// Configure sm with a server-side store (its default memstore, or redisstore and friends for
// several instances) and, in production, sm.Cookie.Secure = true.
//
// A nil sm is reported by every method as an error rather than a panic.
func NewSCS(sm *scs.SessionManager) *SCS {
	return &SCS{sm: sm}
}

// errNilManager is returned by every method of an SCS built from a nil manager.
var errNilManager = errors.New("session: NewSCS was given a nil *scs.SessionManager")

// Get implements [Store]. The returned slice is a copy that the caller may modify.
func (s *SCS) Get(r *http.Request, key string) (val []byte, ok bool, err error) {
	if s.sm == nil {
		return nil, false, errNilManager
	}
	defer recoverNoSession(&err)
	v := s.sm.Get(r.Context(), key)
	if v == nil {
		return nil, false, nil
	}
	b, isBytes := v.([]byte)
	if !isBytes {
		return nil, false, fmt.Errorf("session: value under key %q has type %T, not []byte; the scs codec must round-trip []byte (the default gob codec does)", key, v)
	}
	return append([]byte{}, b...), true, nil
}

// Put implements [Store]. It copies val, so the caller may reuse the slice. Call it before the
// response is written: scs commits the session at the first byte.
func (s *SCS) Put(_ http.ResponseWriter, r *http.Request, key string, val []byte) (err error) {
	if s.sm == nil {
		return errNilManager
	}
	defer recoverNoSession(&err)
	s.sm.Put(r.Context(), key, append([]byte{}, val...))
	return nil
}

// Delete implements [Store]. Call it before the response is written.
func (s *SCS) Delete(_ http.ResponseWriter, r *http.Request, key string) (err error) {
	if s.sm == nil {
		return errNilManager
	}
	defer recoverNoSession(&err)
	s.sm.Remove(r.Context(), key)
	return nil
}

// Renew implements [Renewer] with scs's RenewToken: the data is kept, a new token (cookie) is
// issued when the response is written, and the old token is deleted from the store at once.
// It also resets the session's absolute lifetime.
func (s *SCS) Renew(_ http.ResponseWriter, r *http.Request) (err error) {
	if s.sm == nil {
		return errNilManager
	}
	defer recoverNoSession(&err)
	if err := s.sm.RenewToken(r.Context()); err != nil {
		return fmt.Errorf("session: renew scs token: %w", err)
	}
	return nil
}

// recoverNoSession turns scs's missing-middleware panic into ErrNoSession. Any other panic is
// re-raised unchanged.
func recoverNoSession(err *error) {
	v := recover()
	if v == nil {
		return
	}
	if msg, ok := v.(string); ok && msg == scsNoSessionPanic {
		*err = ErrNoSession
		return
	}
	panic(v)
}

var (
	_ Store   = (*SCS)(nil)
	_ Renewer = (*SCS)(nil)
)
