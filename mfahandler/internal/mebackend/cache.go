package mebackend

import (
	"crypto/sha256"
	"slices"
	"sync"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/myaccount"
)

// The My Account API allows each user very few reads (Free: 2 a minute, others 5), and a
// journey reads often: the list, the list that proves a confirmation activated, the list page
// after it. A list read through a token is therefore reused by the next List with the same
// token within listCacheTTL (counted from the read), and kept true by the writes through that
// token (write.go): a write whose answer is the method it made or changed (a verify's 201, a
// PATCH's 200) updates the list; a write Auth0 refused outright (a wrong code, a limit, a bad
// request) changed nothing and leaves it; any other write drops it, so the next list is read
// afresh. On a Free tenant this is what lets a first setup finish within the minute's reads.

// listCacheTTL: [UNK] how fresh a user expects the list to be; chosen because within 15 s a
// change can only come from another of the user's own sessions, and 15 s keeps a page view
// and the one after it to one read.
const listCacheTTL = 15 * time.Second

// maxCachedLists bounds the cache; expired entries are dropped as new ones come.
const maxCachedLists = 10000

type listCache struct {
	mu      sync.Mutex
	entries map[[32]byte]cachedList
	// gen counts the starts and ends of writes: a list read while one ran is not kept (it
	// may predate it).
	gen uint64
	off bool // nothing is kept (ReuseLists(false))
}

func (c *listCache) setOff(off bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off, c.entries = off, nil
}

type cachedList struct {
	at time.Time
	ms []myaccount.Method
}

func (c *listCache) get(token string, now time.Time) (*enroll.Inventory, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[sha256.Sum256([]byte(token))]
	if !ok || now.Sub(e.at) >= listCacheTTL || now.Before(e.at) {
		return nil, false
	}
	return Inventory(e.ms), true // a new inventory each time: the core changes the one it gets
}

// generation is the count of writes begun, taken before a list read for put.
func (c *listCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps ms, read through token since generation gen, unless a write began meanwhile.
func (c *listCache) put(token string, ms []myaccount.Method, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.off {
		return
	}
	if c.entries == nil {
		c.entries = map[[32]byte]cachedList{}
	}
	if len(c.entries) >= maxCachedLists {
		for k, e := range c.entries {
			if now.Sub(e.at) >= listCacheTTL {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCachedLists {
			return // full of fresh entries: no caching until some expire
		}
	}
	c.entries[sha256.Sum256([]byte(token))] = cachedList{at: now, ms: slices.Clone(ms)}
}

// beginWrite marks a write starting or ending: lists read before are not kept by put.
func (c *listCache) beginWrite() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
}

// learn puts m, as a write through token answered it, into that token's list in place of the
// method with its id (or as a new one). The entry keeps the time of its read, which still
// bounds what another session may have changed.
func (c *listCache) learn(token string, m myaccount.Method) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := sha256.Sum256([]byte(token))
	e, ok := c.entries[k]
	if !ok {
		return
	}
	ms := slices.Clone(e.ms)
	if i := slices.IndexFunc(ms, func(x myaccount.Method) bool { return x.ID == m.ID }); i >= 0 {
		ms[i] = m
	} else {
		ms = append(ms, m)
	}
	c.entries[k] = cachedList{at: e.at, ms: ms}
}

// drop forgets the list read through token: it wrote.
func (c *listCache) drop(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, sha256.Sum256([]byte(token)))
}
