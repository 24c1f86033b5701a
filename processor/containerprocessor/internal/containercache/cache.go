// Package containercache holds what the runtimes said about containers,
// bounded, with entries that outlive their container briefly: the events a
// container made just before it was deleted are still on their way through
// the pipeline when the runtime announces the delete.
package containercache

import (
	"container/list"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/runtimes"
)

// Cache maps container ids to their metadata. It is safe for concurrent use.
type Cache struct {
	// Max bounds the entries; the least recently used goes beyond it.
	Max int
	// Grace is how long a deleted container's entry stays.
	Grace time.Duration
	// NegativeTTL is how long "no runtime holds this id" is believed.
	NegativeTTL time.Duration

	mu        sync.Mutex
	m         map[string]*list.Element
	lru       list.List
	evictions uint64
}

type entry struct {
	id string
	c  *runtimes.Container // nil: no runtime held it
	// expires is when the entry goes: zero while the container lives
	expires time.Time
}

// New makes a cache of at most max entries.
func New(max int, grace, negativeTTL time.Duration) *Cache {
	return &Cache{Max: max, Grace: grace, NegativeTTL: negativeTTL, m: make(map[string]*list.Element)}
}

// Get returns id's metadata; known is false when the cache has no answer
// for id (a lookup is needed), true with c nil when no runtime held it
// recently.
func (k *Cache) Get(id string, now time.Time) (c *runtimes.Container, known bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	el, ok := k.m[id]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if !e.expires.IsZero() && now.After(e.expires) {
		k.remove(el)
		return nil, false
	}
	k.lru.MoveToFront(el)
	return e.c, true
}

// Put stores what a runtime said about a live container.
func (k *Cache) Put(c *runtimes.Container) {
	k.put(c.ID, c, time.Time{})
}

// PutNotFound remembers that no runtime held id at now.
func (k *Cache) PutNotFound(id string, now time.Time) {
	k.put(id, nil, now.Add(k.NegativeTTL))
}

func (k *Cache) put(id string, c *runtimes.Container, expires time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if el, ok := k.m[id]; ok {
		e := el.Value.(*entry)
		if c == nil && e.c != nil {
			return // a late negative answer never hides what a runtime said
		}
		e.c, e.expires = c, expires
		k.lru.MoveToFront(el)
		return
	}
	k.m[id] = k.lru.PushFront(&entry{id: id, c: c, expires: expires})
	for k.Max > 0 && len(k.m) > k.Max {
		k.remove(k.lru.Back())
		k.evictions++
	}
}

// ForgetNotFound drops every negative entry: a runtime that was down when
// they were decided may know those ids now.
func (k *Cache) ForgetNotFound() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, el := range k.m {
		if el.Value.(*entry).c == nil {
			k.remove(el)
		}
	}
}

// Removed notes that the runtime deleted id: its entry stays for Grace.
func (k *Cache) Removed(id string, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if el, ok := k.m[id]; ok {
		el.Value.(*entry).expires = now.Add(k.Grace)
	}
}

// Sweep drops the entries that expired by now.
func (k *Cache) Sweep(now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, el := range k.m {
		if e := el.Value.(*entry); !e.expires.IsZero() && now.After(e.expires) {
			k.remove(el)
		}
	}
}

func (k *Cache) remove(el *list.Element) {
	k.lru.Remove(el)
	delete(k.m, el.Value.(*entry).id)
}

// Len is the number of entries.
func (k *Cache) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}

// Evictions counts the entries pushed out by the bound (not those that
// expired).
func (k *Cache) Evictions() uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.evictions
}
