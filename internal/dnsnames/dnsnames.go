// Package dnsnames is where rules processors publish the host names their
// rules compare fd.sip.name and fd.cip.name with, and where syscall
// receivers learn which names to resolve: as Falco does, only the names
// the loaded rules mention are resolved, and the events' addresses are
// named after them.
//
// It is separate from captureplan on purpose: a capture plan, once
// published, narrows what the kernel captures, while host names only name
// addresses; a publisher of names must not be mistaken for a publisher of
// an (empty) capture plan.
package dnsnames

import (
	"slices"
	"sync"
)

// Registry holds the names published by every owner (one per rules
// processor instance) and tells subscribers the sorted union whenever it
// changes. Subscribers run synchronously on the publisher's goroutine,
// without the registry's lock held, and must not block.
type Registry struct {
	mu     sync.Mutex
	sets   map[string][]string
	subs   map[int]func([]string)
	nextID int
}

// Default is the registry of one collector process (owner: the processor's
// component id; value: host names).
var Default = NewRegistry()

func NewRegistry() *Registry {
	return &Registry{sets: map[string][]string{}, subs: map[int]func([]string){}}
}

// Publish records owner's names, replacing what it published before, and
// notifies subscribers with the new union.
func (r *Registry) Publish(owner string, names []string) {
	r.mu.Lock()
	r.sets[owner] = slices.Clone(names)
	union, subs := r.unionLocked(), r.subscribersLocked()
	r.mu.Unlock()
	for _, fn := range subs {
		fn(union)
	}
}

// Withdraw forgets owner's names (a processor shutting down).
func (r *Registry) Withdraw(owner string) {
	r.mu.Lock()
	if _, ok := r.sets[owner]; !ok {
		r.mu.Unlock()
		return
	}
	delete(r.sets, owner)
	union, subs := r.unionLocked(), r.subscribersLocked()
	r.mu.Unlock()
	for _, fn := range subs {
		fn(union)
	}
}

// Current returns the sorted union of all published names, and whether
// anyone has published at all.
func (r *Registry) Current() ([]string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unionLocked(), len(r.sets) > 0
}

// Subscribe registers fn for future changes and returns a function that
// removes it. fn is not called with the current value; call Current first.
func (r *Registry) Subscribe(fn func(union []string)) (cancel func()) {
	r.mu.Lock()
	id := r.nextID
	r.nextID++
	r.subs[id] = fn
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		delete(r.subs, id)
		r.mu.Unlock()
	}
}

func (r *Registry) unionLocked() []string {
	var out []string
	for _, s := range r.sets {
		out = append(out, s...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (r *Registry) subscribersLocked() []func([]string) {
	out := make([]func([]string), 0, len(r.subs))
	for _, fn := range r.subs {
		out = append(out, fn)
	}
	return out
}
