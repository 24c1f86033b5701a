package captureplan

import (
	"strings"
	"testing"
)

// TestDiscardsMerge: an event is discardable only when every publisher
// capturing its syscall says so; a publisher without an oracle disables
// discarding; a withdrawn publisher's oracle no longer counts.
func TestDiscardsMerge(t *testing.T) {
	r := NewRegistry()
	if r.Current().Discards != nil {
		t.Fatal("no publisher: no oracle")
	}
	underUsr := func(_, p string, _ uint8) bool { return strings.HasPrefix(p, "/usr/") }
	notLib := func(_, p string, _ uint8) bool { return !strings.HasPrefix(p, "/usr/lib/") }
	r.Publish("a", Plan{Syscalls: []string{"openat", "open"}, Discards: underUsr})
	d := r.Current().Discards
	if d == nil || !d("openat", "/usr/lib/x", 0) || d("openat", "/etc/shadow", 0) {
		t.Fatal("one publisher: its oracle")
	}
	r.Publish("b", Plan{Syscalls: []string{"openat"}, Discards: notLib})
	d = r.Current().Discards
	if d("openat", "/usr/lib/x", 0) || !d("openat", "/usr/bin/x", 0) || d("openat", "/tmp/x", 0) {
		t.Fatal("two publishers: both must discard")
	}
	if !d("open", "/usr/lib/x", 0) {
		t.Fatal("b does not capture open: a alone decides")
	}
	if d("creat", "/usr/bin/x", 0) {
		t.Fatal("a syscall no publisher captures is not discarded")
	}
	r.Publish("c", Plan{Syscalls: []string{"execve"}})
	if r.Current().Discards != nil {
		t.Fatal("a publisher without an oracle disables discarding")
	}
	r.Withdraw("c")
	r.Withdraw("b")
	if d := r.Current().Discards; d == nil || !d("openat", "/usr/lib/x", 0) {
		t.Fatal("after withdrawals: a's oracle alone")
	}
}
