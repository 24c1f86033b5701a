package procstate

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// The state machine alone, fed the records the probe wrote for
// `cat /etc/shadow` (recorded by the receiver's record_samples_test; the
// encoder's tests replay the same file): the exec makes cat known with its
// executable and arguments, the openat puts /etc/shadow in its fd table,
// and the close takes it out again.
func TestReplayTracksExecOpenClose(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "logencode", "testdata", "cat_shadow.bin"))
	if err != nil {
		t.Fatal(err)
	}
	m := New(proctable.New(1024), proctable.NewUsers("../logencode/testdata/passwd", "../logencode/testdata/group"), nil)
	var cat *proctable.Process
	var opened, closedAfter bool
	shadowFD := int32(-1)
	for len(raw) >= 4 {
		n := int(binary.LittleEndian.Uint32(raw))
		rec := raw[4 : 4+n]
		raw = raw[4+n:]
		r, sc, p, err := m.Next(rec)
		if err != nil {
			t.Fatal(err)
		}
		if sc != nil {
			m.Track(sc, p, r)
		}
		if cat == nil {
			if q := m.Table.Peek(int64(r.TGID)); q != nil && q.Comm == "cat" && len(q.Args) == 2 && q.Args[1] == "/etc/shadow" {
				cat = q
			}
		}
		if cat == nil {
			continue
		}
		for fd, f := range cat.FDs {
			if f.Path == "/etc/shadow" {
				opened, shadowFD = true, fd
			}
		}
		if opened && shadowFD >= 0 {
			if _, still := cat.FDs[shadowFD]; !still {
				closedAfter = true
			}
		}
	}
	if m.Read == 0 || m.Malformed != 0 {
		t.Fatalf("read %d, malformed %d", m.Read, m.Malformed)
	}
	if cat == nil {
		t.Fatal("the exec of cat /etc/shadow never made cat known")
	}
	if cat.ExePath == "" || filepath.Base(cat.ExePath) != "cat" {
		t.Errorf("cat's executable path = %q", cat.ExePath)
	}
	if !opened {
		t.Error("/etc/shadow never entered cat's fd table")
	}
	if !closedAfter {
		t.Error("/etc/shadow stayed in cat's fd table after its close")
	}
}
