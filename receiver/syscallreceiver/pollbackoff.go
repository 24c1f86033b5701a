package syscallreceiver

import "time"

// The reader polls the rings because the probe never wakes it, and every
// poll has a fixed cost (a timer, a futex wake, the scheduler): about
// 150 µs of CPU under this project's hypervisor, which at a fixed 5 ms
// made an idle collector burn 3% of a core and added ~50 µs to every
// fork+exec of a shell-heavy workload. The sleep therefore stretches while
// the rings fill slowly and shrinks back when they fill fast.

// nextPoll is how long the reader sleeps next: the longest sleep, up to
// max, during which the rate of the cycle just ended (read bytes over
// elapsed) would fill no more than a quarter of a ring, and never less
// than base. A burst after a long sleep finds at most max's worth of
// records waiting, which the default sizes (20 ms, 8 MiB rings) hold even
// at the rate where the reader saturates.
func nextPoll(read int, elapsed, base, max time.Duration, ringSize int) time.Duration {
	// a max below base (poll_interval set longer than the default
	// max_poll_interval) polls at base
	next := max
	if read > 0 && elapsed > 0 {
		// elapsed * (ringSize/4) / read, in float64: the product of two
		// large int64s can overflow
		if limit := time.Duration(float64(elapsed) * float64(ringSize/4) / float64(read)); limit < next {
			next = limit
		}
	}
	if next < base {
		next = base
	}
	return next
}
