package limiter

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultMaxKeys is the default bound on the number of buckets, locks and flags a [Memory]
// holds at once.
const DefaultMaxKeys = 100_000

// ErrFull is returned (possibly wrapped) by [Memory] when it is at its key bound and every
// entry is a live lock or flag: it refuses to store more rather than forget a live one. The
// caller fails closed; raise [WithMaxKeys] if this happens in normal use.
var ErrFull = errors.New("limiter: memory limiter is at its key bound with only live locks and flags; raise WithMaxKeys")

// Memory is an in-process [Limiter]. It is safe for concurrent use; its state is per process,
// so several app instances need a shared implementation instead (see
// github.com/selfmfa/selfmfa/redislimit and github.com/selfmfa/selfmfa/pglimit).
//
// Memory stays bounded (see [WithMaxKeys]) without ever forgetting a live lock or flag:
//
//   - A bucket is dropped once it has refilled (it is then the same as no bucket), a lock or
//     a flag once its ttl has passed. Expired entries leave a few per call, earliest deadline
//     first, so no call does work proportional to the number of keys (there is no periodic
//     sweep that stops every caller).
//   - At the bound, a new entry takes the place of an expired one if there is one; failing
//     that, the least recently used bucket is evicted. Eviction forgets that key's spent attempts (the
//     user gets a full budget back), so size the bound well above the number of buckets live
//     at once: one per rule for every user active within that rule's [Rule.Window], plus the
//     locks and flags in flight.
//   - Live locks and flags are never evicted: a flag is a claim that a single-use step is over,
//     and forgetting it early would reopen the step. With only live locks and flags left, a
//     call that needs a new entry fails with [ErrFull] and changes nothing.
type Memory struct {
	now     func() time.Time
	maxKeys int

	mu        sync.Mutex
	entries   map[entryKey]*entry
	deadlines deadlineHeap
	buckets   *list.List // LRU of bucket entries; front: most recently used
	nextToken uint64
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

// WithMaxKeys bounds the number of buckets, locks and flags held at once (default
// [DefaultMaxKeys]). Values below 1 keep the default. Each entry costs about 200 bytes plus its
// key and, for a flag, its value.
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
		entries: make(map[entryKey]*entry),
		buckets: list.New(),
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// begin locks m, reads the clock and drops a few expired entries. The caller unlocks m.mu.
func (m *Memory) begin() int64 {
	m.mu.Lock()
	now := m.now().UnixNano()
	m.expire(now, expirePerCall)
	return now
}

// Take implements [Limiter].
func (m *Memory) Take(ctx context.Context, key string, rule Rule) (Decision, error) {
	if err := checkTake(ctx, key, rule); err != nil {
		return Decision{}, err
	}
	now := m.begin()
	defer m.mu.Unlock()

	e := m.live(entryKey{kind: kindBucket, rule: rule.Name, name: key}, now)
	var tat int64
	if e != nil {
		tat = e.deadline
		m.buckets.MoveToFront(e.lru)
	}
	allowed, remaining, retry, newTAT := gcra(now, tat, int64(rule.Refill), rule.Burst)
	if !allowed {
		return Decision{RetryAfter: time.Duration(retry)}, nil
	}
	if e != nil {
		m.setDeadline(e, newTAT)
	} else if err := m.add(&entry{key: entryKey{kind: kindBucket, rule: rule.Name, name: key}, deadline: newTAT}); err != nil {
		return Decision{}, fmt.Errorf("limiter: take: %w", err)
	}
	return Decision{Allowed: true, Remaining: remaining}, nil
}

// Peek implements [Limiter].
func (m *Memory) Peek(ctx context.Context, key string, rule Rule) (Decision, error) {
	if err := checkTake(ctx, key, rule); err != nil {
		return Decision{}, err
	}
	now := m.begin()
	defer m.mu.Unlock()
	var tat int64
	if e := m.live(entryKey{kind: kindBucket, rule: rule.Name, name: key}, now); e != nil {
		tat = e.deadline
	}
	allowed, remaining, retry, _ := gcra(now, tat, int64(rule.Refill), rule.Burst)
	if !allowed {
		return Decision{RetryAfter: time.Duration(retry)}, nil
	}
	return Decision{Allowed: true, Remaining: remaining}, nil
}

// Reset implements [Limiter].
func (m *Memory) Reset(ctx context.Context, key string, rule Rule) error {
	if err := checkTake(ctx, key, rule); err != nil {
		return err
	}
	m.begin()
	defer m.mu.Unlock()
	if e := m.entries[entryKey{kind: kindBucket, rule: rule.Name, name: key}]; e != nil {
		m.remove(e)
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
	now := m.begin()
	defer m.mu.Unlock()

	k := entryKey{kind: kindLock, name: key}
	if m.live(k, now) != nil {
		return nil, ErrLocked
	}
	m.nextToken++
	e := &entry{key: k, deadline: now + int64(ttl), token: m.nextToken}
	if err := m.add(e); err != nil {
		return nil, fmt.Errorf("limiter: lock: %w", err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			if cur := m.entries[k]; cur == e {
				m.remove(e)
			}
		})
	}, nil
}

// SetOnce implements [Limiter]. Live flags are never evicted: at the key bound with only live
// locks and flags, SetOnce fails with [ErrFull].
func (m *Memory) SetOnce(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("limiter: set once: %w", err)
	}
	if err := CheckFlag(key, value, ttl); err != nil {
		return nil, false, err
	}
	now := m.begin()
	defer m.mu.Unlock()

	k := entryKey{kind: kindFlag, name: key}
	if e := m.live(k, now); e != nil {
		return append([]byte{}, e.value...), false, nil
	}
	e := &entry{key: k, deadline: now + int64(ttl), value: append([]byte{}, value...)}
	if err := m.add(e); err != nil {
		return nil, false, fmt.Errorf("limiter: set once: %w", err)
	}
	return append([]byte{}, e.value...), true, nil
}

// Get implements [Limiter].
func (m *Memory) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("limiter: get: %w", err)
	}
	if err := CheckKey(key); err != nil {
		return nil, false, err
	}
	now := m.begin()
	defer m.mu.Unlock()
	e := m.live(entryKey{kind: kindFlag, name: key}, now)
	if e == nil {
		return nil, false, nil
	}
	return append([]byte{}, e.value...), true, nil
}

// Delete implements [Limiter].
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("limiter: delete: %w", err)
	}
	if err := CheckKey(key); err != nil {
		return err
	}
	m.begin()
	defer m.mu.Unlock()
	if e := m.entries[entryKey{kind: kindFlag, name: key}]; e != nil {
		m.remove(e)
	}
	return nil
}

// Len reports how many buckets, locks and flags Memory holds (expired ones included until they
// are dropped). It is meant for tests and metrics.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
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
