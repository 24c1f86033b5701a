package logencode

import (
	"strings"
	"testing"
)

// joined gives strings.Join for each list, whether it comes again, comes
// as another slice with the same strings, or is a different list of the
// same length or a different starting index.
func TestJoinedMatchesJoin(t *testing.T) {
	var j joined
	a := []string{"PATH=/usr/bin", "HOME=/root"}
	b := []string{"PATH=/bin", "HOME=/home/u"}
	for _, c := range []struct {
		list []string
		from int
	}{{a, 0}, {a, 0}, {b, 0}, {a, 1}, {a, 0}, {append([]string(nil), a...), 0}, {nil, 0}, {a[:1], 1}, {a, 0}} {
		want := ""
		if len(c.list) > c.from {
			want = strings.Join(c.list[c.from:], " ")
		}
		if got := j.join(c.list, c.from); got != want {
			t.Fatalf("join(%q, %d) = %q, want %q", c.list, c.from, got, want)
		}
	}
}
