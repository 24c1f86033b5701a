// Package sensorcaps is where receivers, when created, say what they can
// deliver (attribute keys and syscalls, as names), and where rules
// processors look when they load rules, to report rules that can never
// fire. Receivers are created before any component starts, so a processor
// starting or reloading sees every receiver of the collector.
package sensorcaps

import (
	"slices"
	"sync"
)

// Caps is one receiver's offer.
type Caps struct {
	Source   string
	Keys     []string
	Syscalls []string
}

var (
	mu   sync.Mutex
	byID = map[string]Caps{}
)

// Publish records what receiver id delivers, replacing what it said before.
func Publish(id string, c Caps) {
	mu.Lock()
	defer mu.Unlock()
	byID[id] = Caps{Source: c.Source, Keys: slices.Clone(c.Keys), Syscalls: slices.Clone(c.Syscalls)}
}

// Withdraw forgets receiver id.
func Withdraw(id string) {
	mu.Lock()
	defer mu.Unlock()
	delete(byID, id)
}

// All is every published offer, in no particular order.
func All() []Caps {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Caps, 0, len(byID))
	for _, c := range byID {
		out = append(out, c)
	}
	return out
}
