package limiter

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultMaxKeys is the default bound on the number of buckets and locks a [Memory] holds.
const DefaultMaxKeys = 100_000

// sweepInterval is how often (by the limiter's clock) Memory drops expired buckets and locks.
const sweepInterval = time.Minute

// errFull is returned when a Memory at its key bound holds only live locks.
var errFull = errors.New("limiter: memory limiter is full of live locks and flags")

// Memory is an in-process [Limiter]. It is safe for concurrent use; its state is per process,
// so several app instances need a shared implementation instead (see github.com/selfmfa/selfmfa/redislimit and github.com/selfmfa/selfmfa/pglimit).
//
// Memory stays bounded: a bucket is dropped once it has refilled (it is then the same as no
// bucket), an expired lock once its ttl has passed, and when the number of buckets and locks
// reaches the bound (see [WithMaxKeys]) the least recently used bucket is evicted. Eviction
// forgets that key's spent attempts, so keep the bound well above the number of users active
// within one rule window. Live locks are never evicted.
type Memory struct {
	now     func() time.Time
	maxKeys int

	mu        sync.Mutex
	buckets   map[bucketKey]*list.Element // values are *bucket
	lru       *list.List                  // front: most recently used
	locks     map[string]memLock
	flags     map[string]memFlag
	nextToken uint64
	lastSweep int64
}

type bucketKey struct{ rule, key string }

type bucket struct {
	k   bucketKey
	tat int64 // UnixNano
}

type memFlag struct {
	value    []byte
	deadline int64 // UnixNano
}

type memLock struct {
	token    uint64
	deadline int64 // UnixNano
}

// MemoryOption configures [NewMemory].
type MemoryOption func(*Memory)

// WithClock sets the clock Memory reads (default time.Now). Tests pass a fake clock.
func WithClock(now func() time.Time) MemoryOption {
	return func(m *Memory) {
		if now != nil {
			m.now = now
		}
	}
}

// WithMaxKeys bounds the number of buckets and locks held at once (default [DefaultMaxKeys]).
// Values below 1 keep the default.
func WithMaxKeys(n int) MemoryOption {
	return func(m *Memory) {
		if n >= 1 {
			m.maxKeys = n
		}
	}
}

// NewMemory returns an empty in-process limiter.
func NewMemory(opts ...MemoryOption) *Memory {
	m := &Memory{
		now:     time.Now,
		maxKeys: DefaultMaxKeys,
		buckets: make(map[bucketKey]*list.Element),
		lru:     list.New(),
		locks:   make(map[string]memLock),
		flags:   make(map[string]memFlag),
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Take implements [Limiter].
func (m *Memory) Take(ctx context.Context, key string, rule Rule) (Decision, error) {
	if err := checkTake(ctx, key, rule); err != nil {
		return Decision{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now().UnixNano()
	m.maybeSweep(now)

	k := bucketKey{rule.Name, key}
	var tat int64
	el, ok := m.buckets[k]
	if ok {
		tat = el.Value.(*bucket).tat
	}
	allowed, remaining, retry, newTAT := gcra(now, tat, int64(rule.Refill), rule.Burst)
	if !allowed {
		if ok {
			m.lru.MoveToFront(el)
		}
		return Decision{RetryAfter: time.Duration(retry)}, nil
	}
	if ok {
		el.Value.(*bucket).tat = newTAT
		m.lru.MoveToFront(el)
	} else {
		if err := m.makeRoom(now); err != nil {
			return Decision{}, err
		}
		m.buckets[k] = m.lru.PushFront(&bucket{k: k, tat: newTAT})
	}
	return Decision{Allowed: true, Remaining: remaining}, nil
}

// Reset implements [Limiter].
func (m *Memory) Reset(ctx context.Context, key string, rule Rule) error {
	if err := checkTake(ctx, key, rule); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := bucketKey{rule.Name, key}
	if el, ok := m.buckets[k]; ok {
		m.lru.Remove(el)
		delete(m.buckets, k)
	}
	return nil
}

// Lock implements [Limiter]. The returned unlock is safe to call from any goroutine, any
// number of times.
func (m *Memory) Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("limiter: lock: %w", err)
	}
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	if err := CheckTTL(ttl); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now().UnixNano()
	m.maybeSweep(now)

	l, held := m.locks[key]
	if held && l.deadline > now {
		return nil, ErrLocked
	}
	if !held {
		if err := m.makeRoom(now); err != nil {
			return nil, err
		}
	}
	m.nextToken++
	token := m.nextToken
	m.locks[key] = memLock{token: token, deadline: now + int64(ttl)}

	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			if cur, ok := m.locks[key]; ok && cur.token == token {
				delete(m.locks, key)
			}
		})
	}, nil
}

// SetOnce implements [Limiter]. Live flags are never evicted.
func (m *Memory) SetOnce(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("limiter: set once: %w", err)
	}
	if err := CheckFlag(key, value, ttl); err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now().UnixNano()
	m.maybeSweep(now)
	if f, ok := m.flags[key]; ok && f.deadline > now {
		return append([]byte{}, f.value...), false, nil
	}
	if _, ok := m.flags[key]; !ok {
		if err := m.makeRoom(now); err != nil {
			return nil, false, err
		}
	}
	v := append([]byte{}, value...)
	m.flags[key] = memFlag{value: v, deadline: now + int64(ttl)}
	return append([]byte{}, v...), true, nil
}

// Get implements [Limiter].
func (m *Memory) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("limiter: get: %w", err)
	}
	if err := CheckKey(key); err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.flags[key]
	if !ok || f.deadline <= m.now().UnixNano() {
		return nil, false, nil
	}
	return append([]byte{}, f.value...), true, nil
}

// Delete implements [Limiter].
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("limiter: delete: %w", err)
	}
	if err := CheckKey(key); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.flags, key)
	return nil
}

// Len reports how many buckets and locks Memory holds (expired ones included until the next
// sweep). It is meant for tests and metrics.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.buckets) + len(m.locks) + len(m.flags)
}

// makeRoom ensures one more entry fits, evicting the least recently used bucket (or, with no
// buckets left, expired locks). O(1) unless only locks remain. Called with m.mu held.
func (m *Memory) makeRoom(now int64) error {
	if len(m.buckets)+len(m.locks)+len(m.flags) < m.maxKeys {
		return nil
	}
	if back := m.lru.Back(); back != nil {
		m.lru.Remove(back)
		delete(m.buckets, back.Value.(*bucket).k)
		return nil
	}
	m.sweep(now)
	if len(m.locks)+len(m.flags) < m.maxKeys {
		return nil
	}
	return errFull
}

func (m *Memory) maybeSweep(now int64) {
	if now-m.lastSweep >= int64(sweepInterval) || now < m.lastSweep {
		m.sweep(now)
	}
}

// sweep drops full buckets and expired locks. Called with m.mu held.
func (m *Memory) sweep(now int64) {
	m.lastSweep = now
	for k, el := range m.buckets {
		if el.Value.(*bucket).tat <= now {
			m.lru.Remove(el)
			delete(m.buckets, k)
		}
	}
	for k, l := range m.locks {
		if l.deadline <= now {
			delete(m.locks, k)
		}
	}
	for k, f := range m.flags {
		if f.deadline <= now {
			delete(m.flags, k)
		}
	}
}

func checkTake(ctx context.Context, key string, rule Rule) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("limiter: %w", err)
	}
	if err := CheckKey(key); err != nil {
		return err
	}
	return rule.Validate()
}

var _ Limiter = (*Memory)(nil)
