// Package syscallset is the in-process meeting point between rules
// processors, which know which syscalls their rules can match, and syscall
// receivers, which decide what the kernel captures. It carries nothing but
// syscall names, so neither side imports the other.
package syscallset

import (
	"slices"
	"sync"
)

// Registry holds the syscall sets published by every owner (one per rules
// processor instance) and tells subscribers the union whenever it changes.
type Registry struct {
	mu     sync.Mutex
	sets   map[string][]string
	subs   map[int]func([]string)
	nextID int
}

// Default is the registry shared by the components of one collector process.
var Default = NewRegistry()

func NewRegistry() *Registry {
	return &Registry{sets: map[string][]string{}, subs: map[int]func([]string){}}
}

// Publish records owner's set, replacing what it published before, and
// notifies subscribers with the new union. Subscribers run synchronously, in
// no particular order, without the registry's lock held.
func (r *Registry) Publish(owner string, names []string) {
	r.mu.Lock()
	r.sets[owner] = slices.Clone(names)
	union, subs := r.unionLocked(), r.subscribersLocked()
	r.mu.Unlock()
	for _, fn := range subs {
		fn(union)
	}
}

// Withdraw forgets owner's set (a processor shutting down).
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

// Current returns the sorted union of all published sets, and whether anyone
// has published at all (an empty union from a rule set that needs nothing is
// different from no rules processor in this collector).
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
	for _, set := range r.sets {
		out = append(out, set...)
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
