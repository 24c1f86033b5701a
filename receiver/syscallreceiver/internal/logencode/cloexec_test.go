package logencode

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// An fd opened with O_CLOEXEC leaves the fd table at exec; one without it
// stays, and a dup of the close-on-exec fd (which does not inherit the
// flag) stays too.
func TestCloseOnExecLeavesTheTable(t *testing.T) {
	b := contextBuilder(t)
	withFlags := func(fd int64, flags uint64) []byte {
		r := &rawRecord{kind: 257, tgid: 20, tid: 20, ret: fd, args: [6]uint64{uint64(0xffffffffffffff9c), 0, flags}}
		r.section(event.SecStr, 1, []byte("/etc/f"))
		return r.bytes()
	}
	dup := (&rawRecord{kind: 32, tgid: 20, tid: 20, ret: 6, args: [6]uint64{4}}).bytes()
	handle(t, b, withFlags(4, unix.O_CLOEXEC), withFlags(5, 0), dup)
	proc := make([]byte, 128)
	proc[0], proc[4] = 20, 20
	exec := (&rawRecord{kind: event.KindExec, tgid: 20, tid: 20}).section(event.SecProc, 0, proc).bytes()
	handle(t, b, exec)
	p := b.Table.Peek(20)
	if _, ok := p.FDs[4]; ok {
		t.Error("the O_CLOEXEC fd survived the exec")
	}
	for _, fd := range []int32{5, 6} {
		if _, ok := p.FDs[fd]; !ok {
			t.Errorf("fd %d without close-on-exec was forgotten", fd)
		}
	}
}
