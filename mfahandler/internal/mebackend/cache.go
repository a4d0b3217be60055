package mebackend

import (
	"crypto/sha256"
	"slices"
	"sync"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// The My Account API allows each user very few reads (Free: 2 a minute, others 5), and a
// journey reads often: the list, the list that proves a confirmation activated, the list page
// after it. A list read through a token is therefore reused by the next List with the same
// token within listCacheTTL, unless that token wrote in between: every write through it drops
// the entry, so a read after a change is fresh.

// listCacheTTL: [UNK] how fresh a user expects the list to be; chosen because within 15 s a
// change can only come from another of the user's own sessions, and 15 s keeps a page view
// and the one after it to one read.
const listCacheTTL = 15 * time.Second

// maxCachedLists bounds the cache; expired entries are dropped as new ones come.
const maxCachedLists = 10000

type listCache struct {
	mu      sync.Mutex
	entries map[[32]byte]cachedList
}

type cachedList struct {
	at  time.Time
	inv *enroll.Inventory
}

func (c *listCache) get(token string, now time.Time) (*enroll.Inventory, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[sha256.Sum256([]byte(token))]
	if !ok || now.Sub(e.at) >= listCacheTTL || now.Before(e.at) {
		return nil, false
	}
	return cloneInventory(e.inv), true
}

func (c *listCache) put(token string, inv *enroll.Inventory, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
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
	c.entries[sha256.Sum256([]byte(token))] = cachedList{at: now, inv: cloneInventory(inv)}
}

// drop forgets the list read through token: it wrote.
func (c *listCache) drop(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, sha256.Sum256([]byte(token)))
}

// cloneInventory copies inv deeply: the core changes the inventory it is given.
func cloneInventory(inv *enroll.Inventory) *enroll.Inventory {
	out := &enroll.Inventory{All: slices.Clone(inv.All), RecoveryActive: inv.RecoveryActive}
	out.Methods = make([]enroll.Method, len(inv.Methods))
	for i, m := range inv.Methods {
		m.IDs, m.Channels = slices.Clone(m.IDs), slices.Clone(m.Channels)
		out.Methods[i] = m
	}
	return out
}
