//go:build linux && amd64

package probe

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"
)

// openCloseLoop, run as a child of the test binary, opens and closes
// /etc/hostname $VIGIL_LOOP_OPS times and prints its CPU time in ns.
func openCloseLoop() {
	n, _ := strconv.Atoi(os.Getenv("VIGIL_LOOP_OPS"))
	for i := 0; i < n; i++ {
		fd, err := unix.Openat(unix.AT_FDCWD, "/etc/hostname", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			os.Exit(2)
		}
		unix.Close(fd)
	}
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	fmt.Println(ru.Utime.Nano() + ru.Stime.Nano())
	os.Exit(0)
}

func init() {
	if os.Getenv("VIGIL_TEST_HELPER") == "openclose" {
		openCloseLoop()
	}
}

// loopCPU runs the open/close loop in a child and returns its CPU time per
// pair.
func loopCPU(b *testing.B, ops int) float64 {
	cmd := exec.Command(os.Args[0], "-test.run", "^$", "-test.bench", "^$")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_HELPER=openclose", "VIGIL_LOOP_OPS="+strconv.Itoa(ops))
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("loop: %v", err)
	}
	ns, _ := strconv.ParseFloat(string(out[:len(out)-1]), 64)
	return ns / float64(ops)
}

// BenchmarkKernelCost measures the probe's in-kernel cost on an
// open/close loop: the loop's CPU time per pair with the probe attached
// (openat captured, close deferred, as behind the stable rules; or close
// written; or both switched off, which is the cost of the sys_exit
// tracepoint and the probe's first check) minus without, alternating, best
// of each. The rings are drained by a trivial reader, so no record building
// competes with the loop.
//
//	sudo go test ./receiver/syscallreceiver/internal/probe -run '^$' -bench KernelCost -benchtime 1x
func BenchmarkKernelCost(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	const ops = 300000
	for _, c := range []struct {
		name       string
		probeReads bool
		closeMode  Mode
		// filter, when set, is openat's kernel filter
		filter *Filter
		// discard: 1 turns discarders on for openat, 2 also installs the
		// loop's
		discard int
	}{
		{"all-switched-off", false, Off, nil, 0},
		{"direct-loads/deferred-close", false, Defer, nil, 0},
		{"direct-loads/written-close", false, Capture, nil, 0},
		{"probe-reads/deferred-close", true, Defer, nil, 0},
		// the open judged and kept off the ring by a path filter that
		// does not hold /etc/hostname (prefixes and a suffix, as behind
		// the default rules)
		{"direct-loads/deferred-close/open-filtered", false, Defer,
			&Filter{OutcomeOn: true, Outcome: 1, PathArg: 1, Paths: everyMode([]string{"/etc/shadow\x00", "/root/.ssh/"}, []string{"/id_rsa"})}, 0},
		// learned discarders on for openat: every open is noted (its
		// path hashed, its inode stamped) and looked up; none installed
		// for /etc/hostname, or one, which keeps the open off the ring
		{"direct-loads/deferred-close/open-noted", false, Defer, nil, 1},
		{"direct-loads/deferred-close/open-discarded", false, Defer, nil, 2},
		// the same with process names that are not the loop's (as behind
		// the upstream and default rules: tar, sshd): the name lookups
		// come first, then the path
		{"direct-loads/deferred-close/open-filtered-names", false, Defer, namedFilter(), 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				off, on := 1e18, 1e18
				for run := 0; run < 5; run++ {
					off = min(off, loopCPU(b, ops))
					p, stop, notes := loadForCost(b, c.probeReads, c.closeMode)
					if c.discard > 0 {
						discardLoop(b, p, notes, c.discard == 2)
					}
					if c.filter != nil {
						if err := p.Update(func(u *SpecUpdate) { u.SetFilter(257, c.filter) }); err != nil {
							b.Fatal(err)
						}
					}
					on = min(on, loopCPU(b, ops))
					stop()
					p.Close()
				}
				b.ReportMetric(off, "ns-cpu/pair-off")
				b.ReportMetric(on, "ns-cpu/pair-on")
				b.ReportMetric(on-off, "ns-cpu/pair-probe")
			}
		})
	}
}

// discardLoop turns discarding on for openat and, with install, installs
// the discarder of the loop's open, taken from the note of one open made
// by a child as the loop makes them.
func discardLoop(b *testing.B, p *Probe, notes <-chan []byte, install bool) {
	var pathArg, flagsArg [MaxSyscalls]uint8
	pathArg[257], flagsArg[257] = 2, 3
	if err := p.SetDiscarding(1, 0, &pathArg, &flagsArg); err != nil {
		b.Fatal(err)
	}
	if !install {
		return
	}
	loopCPU(b, 1)
	select {
	case note := <-notes:
		k, s, ok := ParseDiscard(note)
		if !ok {
			b.Fatal("a short discarder note")
		}
		s.Gen = 1
		if err := p.PutDiscarder(&k, &s); err != nil {
			b.Fatal(err)
		}
		if err := p.SetDiscarding(1, 1, &pathArg, &flagsArg); err != nil {
			b.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		b.Fatal("no discarder note for the loop's open")
	}
}

// noteOf returns a record's discarder note, if it has one.
func noteOf(raw []byte) []byte {
	if len(raw) < HeaderSize {
		return nil
	}
	for off := HeaderSize + 8*int(raw[30]); off+4 <= len(raw); {
		n := int(raw[off]) | int(raw[off+1])<<8
		if off+4+n > len(raw) {
			return nil
		}
		if raw[off+2] == SecDiscard {
			return append([]byte(nil), raw[off+4:off+4+n]...)
		}
		off += 4 + n
	}
	return nil
}

// namedFilter is the open filter of the upstream and default rules with
// process names that are not the loop's.
func namedFilter() *Filter {
	f := &Filter{OutcomeOn: true, Outcome: 1, PathArg: 1, Paths: everyMode([]string{"/etc/shadow\x00", "/root/.ssh/"}, []string{"/id_rsa"})}
	for m := range f.Paths {
		f.Paths[m].Names = []string{"sshd", "tar"}
	}
	return f
}

// loadForCost loads and attaches the probe with openat and close on and a
// goroutine that drains the rings, handing on the discarder notes it sees
// (of /etc/hostname only); stop ends the drain.
func loadForCost(b *testing.B, probeReads bool, closeMode Mode) (*Probe, func(), <-chan []byte) {
	p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 2, RingBytes: 8 << 20, ProbeReads: probeReads})
	if err != nil {
		b.Fatal(err)
	}
	// openat(dirfd, path, flags, mode): the path read, the returned fd
	// resolved; close(fd)
	if err := p.SetSpec(257, Spec{Kind: [6]uint8{0, 1}, FDSrc: 7, NArgs: 4}); err != nil {
		b.Fatal(err)
	}
	if err := p.SetSpec(3, Spec{NArgs: 1}); err != nil {
		b.Fatal(err)
	}
	openMode := Capture
	if closeMode == Off {
		// the probe attached, every syscall leaving at the first check
		openMode = Off
	}
	if err := p.SetMode(257, openMode); err != nil {
		b.Fatal(err)
	}
	if err := p.SetMode(3, closeMode); err != nil {
		b.Fatal(err)
	}
	if err := p.Attach(); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	notes := make(chan []byte, 1)
	var wg sync.WaitGroup
	for _, rd := range p.Readers {
		wg.Add(1)
		go func(rd *ringbuf.Reader) {
			defer wg.Done()
			var rec ringbuf.Record
			for {
				select {
				case <-done:
					return
				default:
				}
				rd.SetDeadline(time.Now().Add(5 * time.Millisecond))
				if err := rd.ReadInto(&rec); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
					return
				}
				if n := noteOf(rec.RawSample); n != nil && bytes.Contains(rec.RawSample, []byte("/etc/hostname")) {
					select {
					case notes <- n:
					default:
					}
				}
			}
		}(rd)
	}
	return p, func() { close(done); wg.Wait() }, notes
}
