//go:build linux && amd64

package probe

import (
	"os"
	"testing"
)

// Both variants of the probe pass the verifier and attach: direct kernel
// loads (Linux 6.2+) and bpf_probe_read_kernel for every field (older
// kernels, forced here).
func TestLoadBothReadPaths(t *testing.T) {
	requireRoot(t)
	for _, forced := range []bool{false, true} {
		p, err := Load(Options{SelfTGID: uint32(os.Getpid()), CPUsPerRing: 1, RingBytes: 1 << 16, ProbeReads: forced})
		if err != nil {
			t.Fatalf("ProbeReads=%v: %v", forced, err)
		}
		if err := p.Attach(); err != nil {
			p.Close()
			t.Fatalf("ProbeReads=%v: %v", forced, err)
		}
		if forced && p.DirectReads {
			t.Error("ProbeReads did not turn direct loads off")
		}
		if !forced && p.DirectReads != haveDirectReads() {
			t.Errorf("DirectReads = %v, kernel support %v", p.DirectReads, haveDirectReads())
		}
		t.Logf("ProbeReads=%v: DirectReads=%v", forced, p.DirectReads)
		if err := p.SetMode(3, Defer); err != nil {
			t.Error(err)
		}
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}
}
