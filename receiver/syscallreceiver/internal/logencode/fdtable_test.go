package logencode

import (
	"encoding/binary"
	"testing"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// Closes the probe deferred arrive as a bitmap on the process's next
// record and take effect before it.
func TestDeferredClosesApplyBeforeTheRecord(t *testing.T) {
	b := contextBuilder(t)
	handle(t, b, openat(20, "/etc/a", 3), openat(20, "/etc/b", 4), openat(20, "/etc/c", 5))
	p := b.Table.Peek(20)
	if len(p.FDs) != 3 {
		t.Fatalf("fds %v", p.FDs)
	}
	// the next record (an fchmod of fd 3, written after 3 and 5 were closed)
	r := &rawRecord{kind: 91, tgid: 20, tid: 20, args: [6]uint64{3, 0o600}}
	bits := make([]byte, 8)
	binary.LittleEndian.PutUint64(bits, 1<<3|1<<5)
	r.section(event.SecClosed, 0, bits)
	b.Emit[91] = true
	handle(t, b, r.bytes())
	if _, ok := p.FDs[3]; ok {
		t.Error("fd 3 still open")
	}
	if _, ok := p.FDs[5]; ok {
		t.Error("fd 5 still open")
	}
	if f := p.FDs[4]; f == nil || f.Path != "/etc/b" {
		t.Errorf("fd 4 = %+v", f)
	}
	rs := records(b.Take())
	last := rs[len(rs)-1]
	if got := get(last.attr, "vigil.evt.arg.fd"); got != "3" {
		t.Errorf("fchmod's fd renders as %q; the closed file must not name it", got)
	}
}

func TestOpenCreatedFromFMode(t *testing.T) {
	b := contextBuilder(t)
	created := openat(20, "/tmp/new", 3)
	// struct vg_fd's f_mode is at offset 20 of the FD section; the FD
	// section starts after the header, six arguments, and the string
	var r event.Record
	if err := event.Decode(created, &r); err != nil {
		t.Fatal(err)
	}
	s, _ := r.Find(event.SecFD, event.FDRet)
	binary.LittleEndian.PutUint32(s.Data[20:], event.FModeCreated|0x1f)
	handle(t, b, created, openat(20, "/tmp/new", 4))
	rs := records(b.Take())
	if len(rs) != 2 || get(rs[0].attr, "vigil.evt.open_created") != "true" || get(rs[1].attr, "vigil.evt.open_created") != "false" {
		t.Errorf("open_created: %s, %s", get(rs[0].attr, "vigil.evt.open_created"), get(rs[1].attr, "vigil.evt.open_created"))
	}
}
