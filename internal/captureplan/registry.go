// Package captureplan is the in-process channel through which the
// components that know what must be captured (rules processors: the
// syscalls their rules can match) tell the components that capture
// (syscall receivers) what to ask of the kernel. It carries plain data
// (Plan), so neither side imports the other. docs/ARCHITECTURE.md explains
// why it is a process-wide registry rather than a collector extension, and
// states the contract.
package captureplan

import "sync"

// Registry holds the plan of every publisher (one per rules processor
// instance) and tells subscribers the merged plan whenever it changes.
//
// The contract, for either side, whatever order components start in:
//
//   - Publish replaces the owner's plan (a reload publishes again);
//     Withdraw removes it (shutdown). Both notify subscribers.
//   - Subscribe returns the current merged plan and, from then on, calls fn
//     with every change: no change falls between the two, and fn sees
//     changes one at a time, in the order they happened, with increasing
//     Version.
//   - fn runs on the publisher's goroutine and must neither block nor call
//     back into the registry (hand the plan to another goroutine).
type Registry struct {
	// deliver serialises changes with their notifications, so subscribers
	// see changes in order; mu guards the state and is never held while a
	// subscriber runs.
	deliver sync.Mutex
	mu      sync.Mutex
	plans   map[string]Plan
	merged  Merged
	subs    map[int]func(Merged)
	nextID  int
}

// Default is the registry shared by the components of one collector
// process.
var Default = NewRegistry()

func NewRegistry() *Registry {
	return &Registry{plans: map[string]Plan{}, subs: map[int]func(Merged){}}
}

// Publish records owner's plan, replacing what it published before, and
// notifies subscribers.
func (r *Registry) Publish(owner string, p Plan) {
	r.change(func() bool {
		r.plans[owner] = p.clone()
		return true
	})
}

// Withdraw forgets owner's plan (a processor shutting down). Withdrawing an
// owner that has no plan changes nothing and notifies no one.
func (r *Registry) Withdraw(owner string) {
	r.change(func() bool {
		if _, ok := r.plans[owner]; !ok {
			return false
		}
		delete(r.plans, owner)
		return true
	})
}

func (r *Registry) change(apply func() bool) {
	r.deliver.Lock()
	defer r.deliver.Unlock()
	r.mu.Lock()
	if !apply() {
		r.mu.Unlock()
		return
	}
	r.merged = Merged{Plan: merge(r.plans), Published: len(r.plans) > 0, Version: r.merged.Version + 1}
	m := r.snapshotLocked()
	subs := make([]func(Merged), 0, len(r.subs))
	for _, fn := range r.subs {
		subs = append(subs, fn)
	}
	r.mu.Unlock()
	for _, fn := range subs {
		each := m
		each.Plan = m.Plan.clone()
		fn(each)
	}
}

// Current returns the merged plan of every publisher.
func (r *Registry) Current() Merged {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snapshotLocked()
}

// Subscribe returns the current merged plan and registers fn for every
// later change (see Registry for the guarantees); cancel removes fn, and
// once it returns fn is not called again.
func (r *Registry) Subscribe(fn func(Merged)) (current Merged, cancel func()) {
	r.deliver.Lock()
	defer r.deliver.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	id := r.nextID
	r.nextID++
	r.subs[id] = fn
	return r.snapshotLocked(), func() {
		r.deliver.Lock()
		r.mu.Lock()
		delete(r.subs, id)
		r.mu.Unlock()
		r.deliver.Unlock()
	}
}

// snapshotLocked copies the merged plan, so no subscriber can alter what
// another sees.
func (r *Registry) snapshotLocked() Merged {
	m := r.merged
	m.Plan = m.Plan.clone()
	return m
}
