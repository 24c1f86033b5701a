package dnsnames

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

	r.Publish("rules/a", []string{"db.internal", "api.example.com"})
	r.Publish("rules/b", []string{"cache.internal", "db.internal"})
	if got, ok := r.Current(); !ok || !slices.Equal(got, []string{"api.example.com", "cache.internal", "db.internal"}) {
		t.Fatalf("union = %v %v", got, ok)
	}
	r.Publish("rules/a", []string{"mirror.example.org"}) // a reload replaces, it does not add
	r.Withdraw("rules/b")
	r.Withdraw("rules/unknown") // no change, no notification
	cancel()
	r.Publish("rules/c", []string{"late.example.net"}) // after cancel: not seen

	want := [][]string{
		{"api.example.com", "db.internal"},
		{"api.example.com", "cache.internal", "db.internal"},
		{"cache.internal", "db.internal", "mirror.example.org"},
		{"mirror.example.org"},
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
