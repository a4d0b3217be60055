package pglimit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/selfmfa/selfmfa/limiter"
)

// unlockTimeout bounds the unlock round trip, which runs after the request's own context may
// have ended.
const unlockTimeout = 5 * time.Second

// maxAttempts bounds the retries of a Take or SetOnce whose follow-up read found the row
// changed in between (another caller refilled, reset or deleted it); each retry is a fresh
// atomic statement.
const maxAttempts = 5

// Limiter is a [limiter.Limiter] on PostgreSQL through a pgx pool. It is safe for concurrent
// use; Limiters in several processes on one database and table prefix share all state. Create
// it with [New], create its tables with [Limiter.CreateTables], and stop its background
// cleanup with [Limiter.Close].
type Limiter struct {
	pool   *pgxpool.Pool
	now    func() time.Time // nil: the server's clock
	t      tables
	log    *slog.Logger
	every  time.Duration // cleanup interval; 0: none
	batch  int
	q      queries
	stop   context.CancelFunc
	done   chan struct{}
	closer sync.Once
}

// queries are the statements with the table names filled in.
type queries struct {
	take, bucket, reset, lock, unlock, setOnce, get, del string
	cleanup                                              [3]string
}

// Option configures [New].
type Option func(*Limiter)

// WithClock makes the statements take "now" from this clock instead of the database server's
// clock (the default). It is meant for tests, which pass a fake clock; in production every
// instance would then have to keep its clock synchronised (see the package doc). A nil now
// keeps the server's clock.
func WithClock(now func() time.Time) Option {
	return func(l *Limiter) { l.now = now }
}

// WithTablePrefix sets the prefix of the three table names (default [DefaultTablePrefix]).
// Limiters with different prefixes on one database are independent.
func WithTablePrefix(prefix string) Option {
	return func(l *Limiter) { l.t.buckets = prefix } // validated by New
}

// WithLogger sets where failed unlocks and cleanups are reported (default slog.Default()).
func WithLogger(log *slog.Logger) Option {
	return func(l *Limiter) {
		if log != nil {
			l.log = log
		}
	}
}

// WithCleanupInterval sets how often the background cleanup deletes expired rows (default
// [DefaultCleanupInterval]); 0 or less turns it off, for hosts that call [Limiter.Cleanup]
// themselves (from a cron job, say).
func WithCleanupInterval(d time.Duration) Option {
	return func(l *Limiter) { l.every = max(d, 0) }
}

// New returns a Limiter using pool, and starts its background cleanup. The pool is the
// caller's: Close does not close it. New does not touch the database; call
// [Limiter.CreateTables] once at start-up (or apply [Limiter.SchemaSQL] with your migrations).
func New(pool *pgxpool.Pool, opts ...Option) (*Limiter, error) {
	if pool == nil {
		return nil, errors.New("pglimit: New needs a *pgxpool.Pool")
	}
	l := &Limiter{pool: pool, log: slog.Default(), every: DefaultCleanupInterval, batch: cleanupBatch}
	l.t.buckets = DefaultTablePrefix
	for _, o := range opts {
		o(l)
	}
	t, err := tablesFor(l.t.buckets) // the prefix, until here
	if err != nil {
		return nil, err
	}
	l.t = t
	l.q = queries{
		take: l.sql(takeSQL), bucket: l.sql(bucketSQL), reset: l.sql(resetSQL),
		lock: l.sql(lockSQL), unlock: l.sql(unlockSQL),
		setOnce: l.sql(setOnceSQL), get: l.sql(getSQL), del: l.sql(deleteSQL),
		cleanup: l.cleanupQueries(),
	}
	l.startCleanup()
	return l, nil
}

// Take implements [limiter.Limiter].
func (l *Limiter) Take(ctx context.Context, key string, rule limiter.Rule) (limiter.Decision, error) {
	if err := check(ctx, key, rule); err != nil {
		return limiter.Decision{}, fmt.Errorf("pglimit: take: %w", err)
	}
	refill, burst := micros(rule.Refill), int64(rule.Burst)
	for range maxAttempts {
		var tat, now int64
		err := l.pool.QueryRow(ctx, l.q.take, l.clockArg(), []byte(rule.Name), []byte(key), refill, burst).Scan(&tat, &now)
		if err == nil {
			allowAt := tat - burst*refill
			return limiter.Decision{Allowed: true, Remaining: int((now - allowAt) / refill)}, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return limiter.Decision{}, fmt.Errorf("pglimit: take: %w", err)
		}
		// Denied: read the bucket for RetryAfter. If it changed in between so that a token is
		// available (a refill, a Reset), take again.
		var stored *int64
		if err := l.pool.QueryRow(ctx, l.q.bucket, l.clockArg(), []byte(rule.Name), []byte(key)).Scan(&stored, &now); err != nil {
			return limiter.Decision{}, fmt.Errorf("pglimit: take: %w", err)
		}
		if stored != nil {
			allowAt := max(*stored, now) + refill - burst*refill
			if allowAt > now {
				return limiter.Decision{RetryAfter: time.Duration(allowAt-now) * time.Microsecond}, nil
			}
		}
	}
	return limiter.Decision{}, fmt.Errorf("pglimit: take: the bucket kept changing under %d attempts", maxAttempts)
}

// Peek implements [limiter.Limiter]: one read of the bucket.
func (l *Limiter) Peek(ctx context.Context, key string, rule limiter.Rule) (limiter.Decision, error) {
	if err := check(ctx, key, rule); err != nil {
		return limiter.Decision{}, fmt.Errorf("pglimit: peek: %w", err)
	}
	refill, burst := micros(rule.Refill), int64(rule.Burst)
	var stored *int64
	var now int64
	if err := l.pool.QueryRow(ctx, l.q.bucket, l.clockArg(), []byte(rule.Name), []byte(key)).Scan(&stored, &now); err != nil {
		return limiter.Decision{}, fmt.Errorf("pglimit: peek: %w", err)
	}
	tat := now
	if stored != nil && *stored > now {
		tat = *stored
	}
	allowAt := tat + refill - burst*refill
	if now < allowAt {
		return limiter.Decision{RetryAfter: time.Duration(allowAt-now) * time.Microsecond}, nil
	}
	return limiter.Decision{Allowed: true, Remaining: int((now - allowAt) / refill)}, nil
}

// Reset implements [limiter.Limiter].
func (l *Limiter) Reset(ctx context.Context, key string, rule limiter.Rule) error {
	if err := check(ctx, key, rule); err != nil {
		return fmt.Errorf("pglimit: reset: %w", err)
	}
	if _, err := l.pool.Exec(ctx, l.q.reset, []byte(rule.Name), []byte(key)); err != nil {
		return fmt.Errorf("pglimit: reset: %w", err)
	}
	return nil
}

// Lock implements [limiter.Limiter]. The ttl is rounded up to whole microseconds. The returned
// unlock is safe to call from any goroutine, any number of times; it runs even after ctx is
// done (it keeps ctx's values but not its cancellation).
func (l *Limiter) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pglimit: lock: %w", err)
	}
	if err := limiter.CheckKey(key); err != nil {
		return nil, fmt.Errorf("pglimit: lock: %w", err)
	}
	if err := limiter.CheckTTL(ttl); err != nil {
		return nil, fmt.Errorf("pglimit: lock: %w", err)
	}
	token := []byte(rand.Text())
	var one int
	err = l.pool.QueryRow(ctx, l.q.lock, l.clockArg(), []byte(key), token, micros(ttl)).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, limiter.ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("pglimit: lock: %w", err)
	}
	base := context.WithoutCancel(ctx)
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(base, unlockTimeout)
			defer cancel()
			if _, err := l.pool.Exec(ctx, l.q.unlock, []byte(key), token); err != nil {
				l.log.LogAttrs(ctx, slog.LevelWarn, "pglimit: unlock failed; the lock expires after its ttl",
					slog.Duration("ttl", ttl), slog.String("error", err.Error()))
			}
		})
	}, nil
}

// SetOnce implements [limiter.Limiter].
func (l *Limiter) SetOnce(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("pglimit: set once: %w", err)
	}
	if err := limiter.CheckFlag(key, value, ttl); err != nil {
		return nil, false, fmt.Errorf("pglimit: set once: %w", err)
	}
	value = append([]byte{}, value...) // never nil: nil would be sent as NULL
	for range maxAttempts {
		var live []byte
		err := l.pool.QueryRow(ctx, l.q.setOnce, l.clockArg(), []byte(key), value, micros(ttl)).Scan(&live)
		if err == nil {
			return nonNil(live), true, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, false, fmt.Errorf("pglimit: set once: %w", err)
		}
		// A live flag is there: read it. If it expired or was deleted in between, try again.
		live, ok, err := l.get(ctx, key)
		if err != nil {
			return nil, false, fmt.Errorf("pglimit: set once: %w", err)
		}
		if ok {
			return live, false, nil
		}
	}
	return nil, false, fmt.Errorf("pglimit: set once: the flag kept changing under %d attempts", maxAttempts)
}

// Get implements [limiter.Limiter].
func (l *Limiter) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("pglimit: get: %w", err)
	}
	if err := limiter.CheckKey(key); err != nil {
		return nil, false, fmt.Errorf("pglimit: get: %w", err)
	}
	v, ok, err := l.get(ctx, key)
	if err != nil {
		return nil, false, fmt.Errorf("pglimit: get: %w", err)
	}
	return v, ok, nil
}

func (l *Limiter) get(ctx context.Context, key string) ([]byte, bool, error) {
	var v []byte
	err := l.pool.QueryRow(ctx, l.q.get, l.clockArg(), []byte(key)).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return nonNil(v), true, nil
}

// Delete implements [limiter.Limiter].
func (l *Limiter) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pglimit: delete: %w", err)
	}
	if err := limiter.CheckKey(key); err != nil {
		return fmt.Errorf("pglimit: delete: %w", err)
	}
	if _, err := l.pool.Exec(ctx, l.q.del, []byte(key)); err != nil {
		return fmt.Errorf("pglimit: delete: %w", err)
	}
	return nil
}

// clockArg is the statements' $1: the client's "now" in Unix microseconds, or NULL for the
// server's clock.
func (l *Limiter) clockArg() *int64 {
	if l.now == nil {
		return nil
	}
	us := l.now().UnixMicro()
	return &us
}

func check(ctx context.Context, key string, rule limiter.Rule) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := limiter.CheckKey(key); err != nil {
		return err
	}
	return rule.Validate()
}

// micros converts d to whole microseconds, rounding up so that a limit is never looser than
// asked.
func micros(d time.Duration) int64 {
	return int64((d + time.Microsecond - 1) / time.Microsecond)
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

var _ limiter.Limiter = (*Limiter)(nil)
