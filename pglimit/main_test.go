package pglimit_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/selfmfa/selfmfa/pglimit"
	"github.com/selfmfa/selfmfa/pglimit/pgtest"
)

// dsn is the shared throwaway server's connection string, set by TestMain.
var dsn string

// TestMain runs one real PostgreSQL server for the package's tests and examples. A missing
// PostgreSQL fails the run with what to install; it never skips.
func TestMain(m *testing.M) {
	srv, err := pgtest.Run()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dsn = srv.DSN
	code := m.Run()
	srv.Stop()
	os.Exit(code)
}

func newPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// newLimiter returns a limiter with its tables created and no background cleanup.
func newLimiter(t testing.TB, pool *pgxpool.Pool, opts ...pglimit.Option) *pglimit.Limiter {
	t.Helper()
	l, err := pglimit.New(pool, append([]pglimit.Option{pglimit.WithCleanupInterval(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	return l
}
