package limiter

import (
	"container/heap"
	"container/list"
)

// The bookkeeping behind [Memory]: one map of entries (buckets, locks and flags, each in its
// own namespace), a min-heap of their deadlines so that expired entries leave a few at a time
// instead of in a stop-the-world sweep, and an LRU list of buckets, the only entries that may
// be evicted while live. Every function here is called with Memory.mu held.

// expirePerCall bounds how many expired entries one call drops (O(expirePerCall·log n) work).
// A call adds at most one entry, so the backlog of expired entries shrinks whenever it exists.
const expirePerCall = 8

type entryKind uint8

const (
	kindBucket entryKind = iota
	kindLock
	kindFlag
)

type entryKey struct {
	kind entryKind
	rule string // buckets only
	name string
}

type entry struct {
	key entryKey
	// deadline (UnixNano) is when the entry stops mattering: a bucket's theoretical arrival
	// time (it is full again, the same as absent), a lock's or a flag's expiry.
	deadline int64
	token    uint64        // locks: the holder
	value    []byte        // flags
	lru      *list.Element // buckets only; its Value is the *entry
	heapAt   int           // index in Memory.deadlines
}

// deadlineHeap orders entries by deadline, earliest first.
type deadlineHeap []*entry

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].deadline < h[j].deadline }
func (h deadlineHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapAt, h[j].heapAt = i, j
}
func (h *deadlineHeap) Push(x any) {
	e := x.(*entry)
	e.heapAt = len(*h)
	*h = append(*h, e)
}
func (h *deadlineHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// live returns the entry under k, or nil when there is none or it has expired (an expired one
// is dropped on the way).
func (m *Memory) live(k entryKey, now int64) *entry {
	e := m.entries[k]
	if e == nil {
		return nil
	}
	if e.deadline <= now {
		m.remove(e)
		return nil
	}
	return e
}

// add stores a new entry, making room first; it fails with [ErrFull] rather than drop a live
// lock or flag.
func (m *Memory) add(e *entry) error {
	if err := m.makeRoom(); err != nil {
		return err
	}
	m.entries[e.key] = e
	heap.Push(&m.deadlines, e)
	if e.key.kind == kindBucket {
		e.lru = m.buckets.PushFront(e)
	}
	return nil
}

func (m *Memory) remove(e *entry) {
	delete(m.entries, e.key)
	heap.Remove(&m.deadlines, e.heapAt)
	if e.lru != nil {
		m.buckets.Remove(e.lru)
		e.lru = nil
	}
}

func (m *Memory) setDeadline(e *entry, deadline int64) {
	e.deadline = deadline
	heap.Fix(&m.deadlines, e.heapAt)
}

// expire drops at most limit expired entries, earliest deadline first.
func (m *Memory) expire(now int64, limit int) {
	for ; limit > 0 && len(m.deadlines) > 0 && m.deadlines[0].deadline <= now; limit-- {
		m.remove(m.deadlines[0])
	}
}

// makeRoom ensures one more entry fits under the bound by evicting the least recently used
// bucket, or reports [ErrFull]. O(log n). Expired entries need no case here: every add follows
// Memory.begin, which has just dropped some if there were any, leaving room.
func (m *Memory) makeRoom() error {
	if len(m.entries) < m.maxKeys {
		return nil
	}
	if back := m.buckets.Back(); back != nil {
		m.remove(back.Value.(*entry))
		return nil
	}
	return ErrFull
}
