package session

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/alexedwards/scs/v2"
)

// SignOutOtherSCS returns a function for mfahandler.WithSignOutOtherSessions that ends every
// session of sm whose value under userKey is the user's Auth0 subject, except the session of
// the request itself. userKey is the key your login stores the subject under (for example
// "user_sub"). sm's store must be able to list its sessions (scs.IterableStore or
// scs.IterableCtxStore: memstore, redisstore, postgresstore, …); otherwise the function
// returns an error, and New is not told: check it once at start-up with a test.
//
// It reads every session of the store, so it costs one pass over all sessions per use; it is
// used only when a user asks for it after changing their sign-in methods.
//
// Calls are serialised: a pass holds at most one store connection while it reads (redisstore's
// All keeps one connection and asks for another per session, so parallel passes could drain a
// bounded pool).
//
// A request of another session that is in flight at that moment writes its session back when
// it finishes (scs saves the whole session after every request when IdleTimeout is set), which
// brings that session back. For a sign-out that nothing can undo, also record a per-user
// "signed out at" time in your user store and have your CurrentUser reject sessions that signed
// in before it.
func SignOutOtherSCS(sm *scs.SessionManager, userKey string) func(r *http.Request, sub string) (int, error) {
	var mu sync.Mutex
	return func(r *http.Request, sub string) (n int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if sm == nil {
			return 0, errNilManager
		}
		switch sm.Store.(type) {
		case scs.IterableStore, scs.IterableCtxStore:
		default:
			return 0, fmt.Errorf("session: the scs store %T cannot list its sessions, so other sessions cannot be signed out", sm.Store)
		}
		if sub == "" {
			return 0, fmt.Errorf("session: no user to sign out")
		}
		defer recoverNoSession(&err)
		current := sm.Token(r.Context())
		err = sm.Iterate(context.WithoutCancel(r.Context()), func(ctx context.Context) error {
			if sm.Token(ctx) == current || sm.GetString(ctx, userKey) != sub {
				return nil
			}
			if err := sm.Destroy(ctx); err != nil {
				return fmt.Errorf("session: ending another session: %w", err)
			}
			n++
			return nil
		})
		return n, err
	}
}
