package redislimit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/selfmfa/selfmfa/limiter"
)

// DefaultPrefix is the key prefix used unless [WithPrefix] says otherwise.
const DefaultPrefix = "selfmfa:limiter:"

// unlockTimeout bounds the unlock round trip, which runs after the request's own context may
// have ended.
const unlockTimeout = 5 * time.Second

// clockLua is the prelude of every script that reads the time: ARGV[1] is "now" in Unix
// milliseconds from the client's clock ([WithClock]), or empty to read the Redis server's own
// clock (TIME, microseconds, floored to milliseconds). Redis 5 and later replicate a script's
// effects rather than its text, so reading TIME before a write is allowed.
const clockLua = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

// takeScript is limiter's GCRA in milliseconds. KEYS[1] bucket; ARGV now_ms|"", refill_ms,
// burst. Returns {allowed 0|1, remaining, retry_after_ms}.
var takeScript = redis.NewScript(1, clockLua+`
local refill = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + refill
local allow_at = new_tat - burst * refill
if now < allow_at then
  return {0, 0, allow_at - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', string.format('%d', new_tat - now))
return {1, math.floor((now - allow_at) / refill), 0}
`)

// peekScript is takeScript without the write: what Take would decide.
var peekScript = redis.NewScript(1, clockLua+`
local refill = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allow_at = tat + refill - burst * refill
if now < allow_at then
  return {0, 0, allow_at - now}
end
return {1, math.floor((now - allow_at) / refill), 0}
`)

// lockScript: KEYS[1] lock; ARGV now_ms|"", ttl_ms, token. Returns 1 when taken, 0 when held.
var lockScript = redis.NewScript(1, clockLua+`
local ttl = tonumber(ARGV[2])
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp'))
if exp and exp > now then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'tok', ARGV[3], 'exp', string.format('%d', now + ttl))
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
return 1
`)

// unlockScript: KEYS[1] lock; ARGV token. Deletes the lock only if the token matches.
var unlockScript = redis.NewScript(1, `
if redis.call('HGET', KEYS[1], 'tok') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// setOnceScript: KEYS[1] flag; ARGV now_ms|"", ttl_ms, value. Stores value unless a live one
// exists; returns {created 0|1, live value}. PEXPIRE drops the key on the server no later than
// its ttl.
var setOnceScript = redis.NewScript(1, clockLua+`
local ttl = tonumber(ARGV[2])
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp'))
if exp and exp > now then return {0, redis.call('HGET', KEYS[1], 'val')} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'val', ARGV[3], 'exp', string.format('%d', now + ttl))
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
return {1, ARGV[3]}
`)

// getScript: KEYS[1] flag; ARGV now_ms|"". Returns {live 0|1, value}.
var getScript = redis.NewScript(1, clockLua+`
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp'))
if exp and exp > now then return {1, redis.call('HGET', KEYS[1], 'val')} end
return {0, ''}
`)

// Limiter is a [limiter.Limiter] backed by Redis through a redigo pool. It is safe for
// concurrent use; several Limiters (in several processes) on one server and prefix share all
// state. Create it with [New].
type Limiter struct {
	pool   *redis.Pool
	now    func() time.Time // nil: the server's clock
	prefix string
	log    *slog.Logger
}

// Option configures [New].
type Option func(*Limiter)

// WithClock makes the scripts take "now" from this clock instead of the Redis server's clock
// (the default). It is meant for tests, which pass a fake clock; in production every instance
// sharing the server would then have to keep its clock synchronised (see the package doc).
// A nil now keeps the server's clock.
func WithClock(now func() time.Time) Option {
	return func(l *Limiter) { l.now = now }
}

// WithPrefix sets the key prefix (default [DefaultPrefix]). Limiters with different prefixes
// on one server are independent.
func WithPrefix(prefix string) Option {
	return func(l *Limiter) { l.prefix = prefix }
}

// WithLogger sets where failed unlocks are reported (default slog.Default()). An unlock that
// cannot reach Redis leaves the lock to expire after its ttl.
func WithLogger(log *slog.Logger) Option {
	return func(l *Limiter) {
		if log != nil {
			l.log = log
		}
	}
}

// New returns a Limiter using pool. The pool is the caller's: New does not close it.
func New(pool *redis.Pool, opts ...Option) *Limiter {
	l := &Limiter{pool: pool, prefix: DefaultPrefix, log: slog.Default()}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Take implements [limiter.Limiter].
func (l *Limiter) Take(ctx context.Context, key string, rule limiter.Rule) (limiter.Decision, error) {
	if err := check(ctx, key, rule); err != nil {
		return limiter.Decision{}, fmt.Errorf("redislimit: take: %w", err)
	}
	reply, err := l.run(ctx, takeScript, l.bucketKey(rule, key),
		l.clockArg(), ceilMillis(rule.Refill), rule.Burst)
	if err != nil {
		return limiter.Decision{}, fmt.Errorf("redislimit: take: %w", err)
	}
	v, err := redis.Int64s(reply, nil)
	if err != nil || len(v) != 3 {
		return limiter.Decision{}, fmt.Errorf("redislimit: take: unexpected script reply %v: %w", reply, err)
	}
	if v[0] == 1 {
		return limiter.Decision{Allowed: true, Remaining: int(v[1])}, nil
	}
	return limiter.Decision{RetryAfter: time.Duration(v[2]) * time.Millisecond}, nil
}

// Peek implements [limiter.Limiter].
func (l *Limiter) Peek(ctx context.Context, key string, rule limiter.Rule) (limiter.Decision, error) {
	if err := check(ctx, key, rule); err != nil {
		return limiter.Decision{}, fmt.Errorf("redislimit: peek: %w", err)
	}
	reply, err := l.run(ctx, peekScript, l.bucketKey(rule, key), l.clockArg(), ceilMillis(rule.Refill), rule.Burst)
	if err != nil {
		return limiter.Decision{}, fmt.Errorf("redislimit: peek: %w", err)
	}
	v, err := redis.Int64s(reply, nil)
	if err != nil || len(v) != 3 {
		return limiter.Decision{}, fmt.Errorf("redislimit: peek: unexpected script reply %v: %w", reply, err)
	}
	if v[0] == 1 {
		return limiter.Decision{Allowed: true, Remaining: int(v[1])}, nil
	}
	return limiter.Decision{RetryAfter: time.Duration(v[2]) * time.Millisecond}, nil
}

// Reset implements [limiter.Limiter].
func (l *Limiter) Reset(ctx context.Context, key string, rule limiter.Rule) error {
	if err := check(ctx, key, rule); err != nil {
		return fmt.Errorf("redislimit: reset: %w", err)
	}
	if err := l.do(ctx, "DEL", l.bucketKey(rule, key)); err != nil {
		return fmt.Errorf("redislimit: reset: %w", err)
	}
	return nil
}

// Lock implements [limiter.Limiter]. The ttl is rounded up to whole milliseconds. The returned
// unlock is safe to call from any goroutine, any number of times; it runs even after ctx is
// done (it keeps ctx's values but not its cancellation).
func (l *Limiter) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("redislimit: lock: %w", err)
	}
	if err := limiter.CheckKey(key); err != nil {
		return nil, fmt.Errorf("redislimit: lock: %w", err)
	}
	if err := limiter.CheckTTL(ttl); err != nil {
		return nil, fmt.Errorf("redislimit: lock: %w", err)
	}
	token := rand.Text()
	k := l.lockKey(key)
	reply, err := l.run(ctx, lockScript, k, l.clockArg(), ceilMillis(ttl), token)
	if err != nil {
		return nil, fmt.Errorf("redislimit: lock: %w", err)
	}
	got, err := redis.Int(reply, nil)
	if err != nil {
		return nil, fmt.Errorf("redislimit: lock: unexpected script reply: %w", err)
	}
	if got == 0 {
		return nil, limiter.ErrLocked
	}
	base := context.WithoutCancel(ctx)
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(base, unlockTimeout)
			defer cancel()
			if _, err := l.run(ctx, unlockScript, k, token); err != nil {
				l.log.LogAttrs(ctx, slog.LevelWarn, "redislimit: unlock failed; the lock expires after its ttl",
					slog.Duration("ttl", ttl), slog.String("error", err.Error()))
			}
		})
	}, nil
}

// SetOnce implements [limiter.Limiter].
func (l *Limiter) SetOnce(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("redislimit: set once: %w", err)
	}
	if err := limiter.CheckFlag(key, value, ttl); err != nil {
		return nil, false, fmt.Errorf("redislimit: set once: %w", err)
	}
	reply, err := l.run(ctx, setOnceScript, l.flagKey(key), l.clockArg(), ceilMillis(ttl), value)
	if err != nil {
		return nil, false, fmt.Errorf("redislimit: set once: %w", err)
	}
	created, live, err := flagReply(reply)
	if err != nil {
		return nil, false, fmt.Errorf("redislimit: set once: %w", err)
	}
	return live, created, nil
}

// Get implements [limiter.Limiter].
func (l *Limiter) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("redislimit: get: %w", err)
	}
	if err := limiter.CheckKey(key); err != nil {
		return nil, false, fmt.Errorf("redislimit: get: %w", err)
	}
	reply, err := l.run(ctx, getScript, l.flagKey(key), l.clockArg())
	if err != nil {
		return nil, false, fmt.Errorf("redislimit: get: %w", err)
	}
	ok, v, err := flagReply(reply)
	if err != nil || !ok {
		return nil, false, err
	}
	return v, true, nil
}

// Delete implements [limiter.Limiter].
func (l *Limiter) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redislimit: delete: %w", err)
	}
	if err := limiter.CheckKey(key); err != nil {
		return fmt.Errorf("redislimit: delete: %w", err)
	}
	if err := l.do(ctx, "DEL", l.flagKey(key)); err != nil {
		return fmt.Errorf("redislimit: delete: %w", err)
	}
	return nil
}

func flagReply(reply any) (bool, []byte, error) {
	v, err := redis.Values(reply, nil)
	if err != nil || len(v) != 2 {
		return false, nil, fmt.Errorf("unexpected script reply %v: %w", reply, err)
	}
	n, err := redis.Int(v[0], nil)
	if err != nil {
		return false, nil, fmt.Errorf("unexpected script reply: %w", err)
	}
	b, err := redis.Bytes(v[1], nil)
	if err != nil {
		return false, nil, fmt.Errorf("unexpected script reply: %w", err)
	}
	return n == 1, b, nil
}

// clockArg is the scripts' ARGV[1]: the client's "now" in Unix milliseconds, or "" for the
// server's clock.
func (l *Limiter) clockArg() string {
	if l.now == nil {
		return ""
	}
	return strconv.FormatInt(l.now().UnixMilli(), 10)
}

func (l *Limiter) flagKey(key string) string { return l.prefix + "f:" + key }

func (l *Limiter) bucketKey(rule limiter.Rule, key string) string {
	return l.prefix + "b:" + strconv.Itoa(len(rule.Name)) + ":" + rule.Name + ":" + key
}

func (l *Limiter) lockKey(key string) string { return l.prefix + "l:" + key }

// run evaluates script on one pooled connection.
func (l *Limiter) run(ctx context.Context, script *redis.Script, key string, args ...any) (any, error) {
	if l.pool == nil {
		return nil, errors.New("nil *redis.Pool")
	}
	conn, err := l.pool.GetContext(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return script.DoContext(ctx, conn, append([]any{key}, args...)...)
}

func (l *Limiter) do(ctx context.Context, cmd string, args ...any) error {
	if l.pool == nil {
		return errors.New("nil *redis.Pool")
	}
	conn, err := l.pool.GetContext(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = redis.DoContext(conn, ctx, cmd, args...)
	return err
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

// ceilMillis converts d to whole milliseconds, rounding up so that a limit is never looser
// than asked.
func ceilMillis(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

var _ limiter.Limiter = (*Limiter)(nil)
