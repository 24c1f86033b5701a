package captureplan

import (
	"slices"
	"testing"
)

// TestFiltersMergeNamesAndPlaces: names merge by union like paths; a
// publisher whose filter admits every place (Where 0 or 3) makes the
// merge admit every place, whoever else wants containers only.
func TestFiltersMergeNamesAndPlaces(t *testing.T) {
	r := NewRegistry()
	sel := func(names ...string) [Modes]Paths {
		return [Modes]Paths{{Prefixes: []string{"/etc/"}, Names: names}, {}, {}, {}}
	}
	r.Publish("a", Plan{Syscalls: []string{"openat", "connect"}, Filters: map[string]Filter{
		"openat":  {Outcome: 3, Proto: 7, Access: 1, Where: 2, Path: sel("tar")},
		"connect": {Outcome: 3, Proto: 7, Access: 15, Where: 2, Path: [Modes]Paths{{Any: true}, {Any: true}, {Any: true}, {Any: true}}},
	}})
	if f := r.Current().Filters["openat"]; f.Places() != 2 || !slices.Equal(f.Path[0].Names, []string{"tar"}) {
		t.Fatalf("one publisher: %+v", f)
	}
	r.Publish("b", Plan{Syscalls: []string{"openat", "connect"}, Filters: map[string]Filter{
		"openat":  {Outcome: 3, Proto: 7, Access: 1, Where: 1, Path: sel("sshd", "tar")},
		"connect": {Outcome: 3, Proto: 7, Access: 15, Path: [Modes]Paths{{Any: true}, {Any: true}, {Any: true}, {Any: true}}},
	}})
	m := r.Current()
	if f := m.Filters["openat"]; f.Places() != 3 || !slices.Equal(f.Path[0].Names, []string{"sshd", "tar"}) {
		t.Fatalf("openat: %+v", f)
	}
	if f := m.Filters["connect"]; f.Places() != 3 {
		t.Fatalf("connect: b admits every place, the merge must too: %+v", f)
	}
	m.Filters["openat"].Path[0].Names[0] = "x"
	if r.Current().Filters["openat"].Path[0].Names[0] != "sshd" {
		t.Fatal("a snapshot shares its names with the registry")
	}
}
