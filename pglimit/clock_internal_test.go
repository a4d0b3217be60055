package pglimit

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The default limiter sends NULL as "now", so the statements read the server's clock. (The
// behaviour on the server is TestDefaultClockIsTheServers; client and server share this
// machine's clock, so only this check tells "server clock" from "the local clock".)
func TestDefaultSendsNoClientTime(t *testing.T) {
	t.Parallel()
	l, err := New(new(pgxpool.Pool), WithCleanupInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	if arg := l.clockArg(); arg != nil {
		t.Fatalf("default limiter sends the client time %d; want NULL (the server's clock)", *arg)
	}
}
