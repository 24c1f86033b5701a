package captureplan

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

func syscalls(names ...string) Plan { return Plan{Syscalls: names} }

func TestPublishMergeWithdraw(t *testing.T) {
	r := NewRegistry()
	if m := r.Current(); m.Published || len(m.Syscalls) != 0 || m.Version != 0 {
		t.Fatalf("empty registry: %+v", m)
	}
	var seen []Merged
	cur, cancel := r.Subscribe(func(m Merged) { seen = append(seen, m) })
	if cur.Published {
		t.Fatalf("subscribe on an empty registry: %+v", cur)
	}

	r.Publish("rules/a", syscalls("openat", "execve"))
	r.Publish("rules/b", syscalls("connect", "openat"))
	if m := r.Current(); !m.Published || !slices.Equal(m.Syscalls, []string{"connect", "execve", "openat"}) {
		t.Fatalf("merged = %+v", m)
	}
	r.Publish("rules/a", syscalls("ptrace")) // a reload replaces, it does not add
	r.Withdraw("rules/b")
	r.Withdraw("rules/unknown") // no change, no notification
	r.Withdraw("rules/a")       // the last one: nothing published any more
	cancel()
	r.Publish("rules/c", syscalls("bpf")) // after cancel: not seen

	want := []struct {
		names     []string
		published bool
	}{
		{[]string{"execve", "openat"}, true},
		{[]string{"connect", "execve", "openat"}, true},
		{[]string{"connect", "openat", "ptrace"}, true},
		{[]string{"ptrace"}, true},
		{nil, false},
	}
	if len(seen) != len(want) {
		t.Fatalf("notifications = %+v, want %d", seen, len(want))
	}
	for i, w := range want {
		if !slices.Equal(seen[i].Syscalls, w.names) || seen[i].Published != w.published || seen[i].Version != uint64(i+1) {
			t.Errorf("notification %d = %+v, want %v published=%v version %d", i, seen[i], w.names, w.published, i+1)
		}
	}
}

func TestEmptyPlanStillCountsAsPublished(t *testing.T) {
	r := NewRegistry()
	r.Publish("rules", Plan{})
	if m := r.Current(); !m.Published || len(m.Syscalls) != 0 {
		t.Fatalf("got %+v, want empty and published", m)
	}
}

// A subscriber that comes after the publisher (a receiver starting after
// the processor) gets the plan from Subscribe; one that comes before (the
// receiver first) gets it as a notification. Either way it ends with the
// same plan.
func TestOrderIndependent(t *testing.T) {
	follow := func(r *Registry) (get func() Merged) {
		var mu sync.Mutex
		var last Merged
		cur, _ := r.Subscribe(func(m Merged) { mu.Lock(); last = m; mu.Unlock() })
		last = cur
		return func() Merged { mu.Lock(); defer mu.Unlock(); return last }
	}
	publisherFirst := NewRegistry()
	publisherFirst.Publish("rules", syscalls("openat"))
	a := follow(publisherFirst)

	subscriberFirst := NewRegistry()
	b := follow(subscriberFirst)
	subscriberFirst.Publish("rules", syscalls("openat"))

	for name, m := range map[string]Merged{"publisher first": a(), "subscriber first": b()} {
		if !m.Published || !slices.Equal(m.Syscalls, []string{"openat"}) {
			t.Errorf("%s: %+v", name, m)
		}
	}
}

// Concurrent publishers and a subscriber arriving among them: the
// subscriber's view starts at Subscribe's version and then sees every
// version once, in order, ending at the final plan.
func TestConcurrentChangesArriveInOrder(t *testing.T) {
	r := NewRegistry()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for j := 0; j < 200; j++ {
				r.Publish(fmt.Sprintf("rules/%d", i), syscalls(fmt.Sprintf("s%d_%d", i, j)))
			}
		}()
	}
	close(start)
	var versions []uint64
	var last Merged
	cur, cancel := r.Subscribe(func(m Merged) { versions = append(versions, m.Version); last = m })
	wg.Wait()
	cancel()
	if len(versions) > 0 {
		if versions[0] != cur.Version+1 {
			t.Fatalf("first notification %d after subscribing at %d", versions[0], cur.Version)
		}
		for i := 1; i < len(versions); i++ {
			if versions[i] != versions[i-1]+1 {
				t.Fatalf("notification %d has version %d after %d", i, versions[i], versions[i-1])
			}
		}
	} else {
		last = cur
	}
	final := r.Current()
	if final.Version != 800 || last.Version != final.Version || !slices.Equal(last.Syscalls, final.Syscalls) {
		t.Fatalf("subscriber ended at %+v, registry at %+v", last, final)
	}
	if want := []string{"s0_199", "s1_199", "s2_199", "s3_199"}; !slices.Equal(final.Syscalls, want) {
		t.Fatalf("final plan %v, want %v", final.Syscalls, want)
	}
}

// A subscriber cannot change what another sees.
func TestNotificationsAreCopies(t *testing.T) {
	r := NewRegistry()
	var got [][]string
	r.Subscribe(func(m Merged) { m.Syscalls[0] = "mutated" })
	r.Subscribe(func(m Merged) { got = append(got, m.Syscalls) })
	r.Publish("rules", syscalls("openat"))
	if r.Current().Syscalls[0] != "openat" {
		t.Fatal("a subscriber mutated the registry's plan")
	}
	if len(got) != 1 || got[0][0] != "openat" {
		t.Fatalf("the second subscriber saw %v", got)
	}
}

// TestFiltersMerge: the kernel drops an event only when every publisher's
// filter drops it; one publisher capturing a syscall unfiltered disables
// its filter.
func TestFiltersMerge(t *testing.T) {
	r := NewRegistry()
	a := Plan{Syscalls: []string{"openat", "sendto"}, Filters: map[string]Filter{
		// read-only opens below /etc, no write-only open
		"openat": {Outcome: 1, Proto: 7, Access: 0b1101, Path: [Modes]Paths{{Prefixes: []string{"/etc/"}}, {}, {Any: true}, {Any: true}}},
		"sendto": {Outcome: 3, Proto: 6, Access: 15, Path: [Modes]Paths{{Any: true}, {Any: true}, {Any: true}, {Any: true}}},
	}}
	r.Publish("a", a)
	if m := r.Current(); !slices.Equal(m.Filters["openat"].Path[0].Prefixes, []string{"/etc/"}) || len(m.Filters) != 2 {
		t.Fatalf("one publisher: %+v", m.Filters)
	}
	r.Publish("b", Plan{Syscalls: []string{"openat", "execve"}, Filters: map[string]Filter{
		// write-only opens below /root
		"openat": {Outcome: 2, Proto: 7, Access: 0b0010, Path: [Modes]Paths{{}, {Prefixes: []string{"/root/"}, Suffixes: []string{"/id_rsa"}}, {}, {}}},
	}})
	m := r.Current()
	if f := m.Filters["openat"]; f.Outcome != 3 || f.Access != 15 || !slices.Equal(f.Path[0].Prefixes, []string{"/etc/"}) || !slices.Equal(f.Path[1].Prefixes, []string{"/root/"}) ||
		!slices.Equal(f.Path[1].Suffixes, []string{"/id_rsa"}) || !f.Path[2].Any || f.Path[0].Any || f.Path[1].Any {
		t.Fatalf("union: %+v", f)
	}
	if _, ok := m.Filters["sendto"]; !ok {
		t.Fatal("sendto: only a captures it, its filter stays")
	}
	if _, ok := m.Filters["execve"]; ok {
		t.Fatal("execve has no filter")
	}
	if r.Current().SocketNames {
		t.Fatal("SocketNames without a publisher setting it")
	}
	r.Publish("c", Plan{Syscalls: []string{"sendto"}, SocketNames: true})
	if !r.Current().SocketNames {
		t.Fatal("one publisher's SocketNames is everyone's")
	}
	if _, ok := r.Current().Filters["sendto"]; ok {
		t.Fatal("c captures sendto unfiltered: no filter may stay")
	}
	// a subscriber's copy is its own
	m = r.Current()
	m.Filters["openat"].Path[0].Prefixes[0] = "/x"
	if r.Current().Filters["openat"].Path[0].Prefixes[0] != "/etc/" {
		t.Fatal("a snapshot shares its filters with the registry")
	}
}
