package syscallset

import (
	"slices"
	"testing"
)

func TestPublishUnionWithdraw(t *testing.T) {
	r := NewRegistry()
	if got, ok := r.Current(); ok || len(got) != 0 {
		t.Fatalf("empty registry: %v %v", got, ok)
	}
	var seen [][]string
	cancel := r.Subscribe(func(u []string) { seen = append(seen, u) })

	r.Publish("rules/a", []string{"openat", "execve"})
	r.Publish("rules/b", []string{"connect", "openat"})
	if got, ok := r.Current(); !ok || !slices.Equal(got, []string{"connect", "execve", "openat"}) {
		t.Fatalf("union = %v %v", got, ok)
	}
	r.Publish("rules/a", []string{"ptrace"}) // a reload replaces, it does not add
	r.Withdraw("rules/b")
	r.Withdraw("rules/unknown") // no change, no notification
	cancel()
	r.Publish("rules/c", []string{"bpf"}) // after cancel: not seen

	want := [][]string{
		{"execve", "openat"},
		{"connect", "execve", "openat"},
		{"connect", "openat", "ptrace"},
		{"ptrace"},
	}
	if len(seen) != len(want) {
		t.Fatalf("notifications = %v, want %v", seen, want)
	}
	for i := range want {
		if !slices.Equal(seen[i], want[i]) {
			t.Errorf("notification %d = %v, want %v", i, seen[i], want[i])
		}
	}
}

func TestEmptySetStillCountsAsPublished(t *testing.T) {
	r := NewRegistry()
	r.Publish("rules", nil)
	if got, ok := r.Current(); !ok || len(got) != 0 {
		t.Fatalf("got %v %v, want empty and published", got, ok)
	}
}
