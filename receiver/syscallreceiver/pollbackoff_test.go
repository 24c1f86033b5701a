package syscallreceiver

import (
	"testing"
	"time"
)

func TestNextPoll(t *testing.T) {
	const base, max, ring = 5 * time.Millisecond, 20 * time.Millisecond, 8 << 20
	for _, c := range []struct {
		name    string
		read    int
		elapsed time.Duration
		want    time.Duration
	}{
		{"idle: the longest sleep", 0, 5 * time.Millisecond, max},
		{"a trickle: the longest sleep", 64 << 10, 10 * time.Millisecond, max},
		// 1 MiB in 5 ms is 200 MiB/s: a quarter ring (2 MiB) in 10 ms
		{"fast: what a quarter ring holds", 1 << 20, 5 * time.Millisecond, 10 * time.Millisecond},
		{"faster than a quarter ring per base: base", 4 << 20, 5 * time.Millisecond, base},
		{"no time measured: the longest sleep", 1 << 20, 0, max},
	} {
		if got := nextPoll(c.read, c.elapsed, base, max, ring); got != c.want {
			t.Errorf("%s: nextPoll(%d, %v) = %v, want %v", c.name, c.read, c.elapsed, got, c.want)
		}
	}
	// max equal to base is the fixed poll of earlier versions, and so is
	// a max below base: a configuration that sets only a longer
	// poll_interval keeps working as it did
	if got := nextPoll(0, time.Millisecond, base, base, ring); got != base {
		t.Errorf("max = base: %v, want %v", got, base)
	}
	if got := nextPoll(0, time.Millisecond, 300*time.Millisecond, max, ring); got != 300*time.Millisecond {
		t.Errorf("max < base: %v, want the base", got)
	}
}
