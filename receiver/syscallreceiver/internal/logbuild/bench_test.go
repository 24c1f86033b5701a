package logbuild

import (
	"testing"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// BenchmarkOpenRecord measures turning one recorded openat into a log
// record (the per-event cost of the receiver's userspace side).
func BenchmarkOpenRecord(b *testing.B) {
	raws := samples(&testing.T{}, "cat_shadow.bin")
	bl := newBuilder("openat")
	var open []byte
	var r event.Record
	for _, raw := range raws {
		_ = bl.Handle(raw, 1)
		if event.Decode(raw, &r) == nil && r.Kind == 257 && r.Ret >= 0 {
			open = raw
		}
	}
	bl.Take()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = bl.Handle(open, 1)
		if bl.Pending() >= 1024 {
			bl.Take()
		}
	}
}

// BenchmarkStateOnly measures a captured syscall that only updates the
// tables (a close outside the rules' set).
func BenchmarkStateOnly(b *testing.B) {
	raws := samples(&testing.T{}, "cat_shadow.bin")
	bl := newBuilder()
	var cl []byte
	var r event.Record
	for _, raw := range raws {
		_ = bl.Handle(raw, 1)
		if event.Decode(raw, &r) == nil && r.Kind == 3 {
			cl = raw
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = bl.Handle(cl, 1)
	}
}
