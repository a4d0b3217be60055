// Package session is the small, store-agnostic view of the host's session that selfmfa's
// handler needs: get, put and delete opaque byte values under a key, and rotate the session
// identifier ([Renewer]; mfahandler.New requires it unless the host opts out).
//
// selfmfa never owns the session. The host app already has one (its login lives there); the
// handler stores a few values of its own next to the host's, under keys it chooses (for example
// "mfa.tok" for the MFA-API token and "mfa.pending" for an enrollment in progress). Values are
// opaque bytes: the handler encodes its own structs as JSON, so hosts never need gob.Register
// and a changed struct can never make the store's decoder fail and lock users out.
//
// # Using scs
//
// [NewSCS] adapts an [github.com/alexedwards/scs/v2.SessionManager]. The handler must run inside
// the manager's middleware:
//
//	sm := scs.New()                 // memstore: one process only
//	sm.Store = redisstore.New(pool) // several instances: a shared server-side store
//	sm.Cookie.Secure = true // with IdleTimeout and a Lifetime ≤ 24 h: mfahandler.New checks them over HTTPS
//	sm.IdleTimeout, sm.Lifetime = 30*time.Minute, 12*time.Hour
//	sm.ErrorFunc = session.ErrorFunc(logger) // a store outage: 503 with the security headers
//
//	store := session.NewSCS(sm)
//	mux.Handle("/account/mfa/", sm.LoadAndSave(mfa)) // mfa built with store
//
// [SignOutOtherSCS] ends a user's other sessions, for mfahandler.WithSignOutOtherSessions.
//
// Inside a request:
//
//	if err := store.Put(w, r, "mfa.pending", b); err != nil { ... } // before writing anything
//	b, ok, err := store.Get(r, "mfa.pending")
//	if errors.Is(err, session.ErrNoSession) { ... } // the middleware is missing
//
// # What selfmfa keeps in the session, and encrypting it
//
// The handler's values are JSON, stored as they are by default, so the host's session store
// (Redis, PostgreSQL, …) holds in plaintext, for as long as the session lives:
//
//   - the MFA API access token (about 10 minutes of power to add and remove the user's factors);
//   - during an enrollment: the pending TOTP secret (it becomes the user's authenticator once
//     confirmed), the oob_code of an SMS, voice, email or push enrollment, and the phone number
//     being enrolled;
//   - after the first enrollment: the recovery code, until it has been shown.
//
// Anyone who can read the store (a backup, a replica, a dump, a shared Redis) can read those.
// Turn encryption on whenever the store is not exactly as private as the app's memory:
// several instances on a shared server, backups, or operators who are not the app's own.
// [Encrypt] wraps any [Store] in AES-256-GCM, bound to the session key name:
//
//	keys := [][]byte{currentKey} // 32 random bytes each, from the host's secret manager
//	store, err := session.Encrypt(session.NewSCS(sm), keys...)
//
// To rotate, put a new key first (it encrypts from then on) and keep the old one after it (it
// still decrypts) until the sessions written with it have ended; then drop it. Records stored
// before encryption was turned on still load, so turning it on logs nobody out; a record that
// does not decrypt (a dropped key, an altered value) is treated as absent and logged, and the
// handler starts that step afresh.
//
// Encryption keeps the values confidential and detects altered ones; it cannot stop someone who
// can write to the store from writing a plaintext value (which loads, for the migration above)
// or from forging the host's own session data next to it. scs's HashTokenInStore keeps a dump
// of the store from yielding usable session cookies; use both.
//
// # Rules every store must follow
//
//   - Use a server-side store. The values selfmfa keeps are secrets: the MFA-API access token and,
//     during enrollment, the pending TOTP secret. A cookie-backed store (an encrypted or signed
//     cookie holding the session data) would put them in the browser, where they outlive logout
//     and can be replayed. scs's default memstore is server-side (but per process); for several
//     instances use a shared store such as scs's redisstore or a database store.
//   - Finish Put and Delete before writing the response. scs commits the session when the first
//     byte of the response (or the status line) is written; changes made after that are silently
//     lost. Other stores that save in the middleware behave the same way.
//   - Store exactly the key given. The handler chooses and namespaces its keys; an adapter must not
//     rename, prefix or share them.
//   - Return [ErrNoSession] (wrapped or not) when the request carries no session, for example
//     because the middleware is missing. Never panic.
//   - Keep no state in the adapter itself: everything lives in the request's session.
//
// Concurrent requests on one session are last-writer-wins in scs (the whole session is written
// back at the end of each request). The handler therefore keeps single-use and attempt-limit
// state in the limiter package, not only in the session.
//
// # Testing an adapter
//
// Package [github.com/selfmfa/selfmfa/session/sessiontest] is a conformance suite: it drives real
// HTTP requests through the store's middleware with a cookie jar and checks round trips, byte
// exactness, isolation, renewal and the missing-middleware error. Run it against any adapter:
//
//	func TestMyStore(t *testing.T) {
//		sessiontest.TestStore(t, func(t *testing.T) (session.Store, func(http.Handler) http.Handler) {
//			s := newMyStore(t)
//			return s, s.Middleware
//		})
//	}
package session
