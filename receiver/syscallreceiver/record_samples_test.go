package syscallreceiver

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// TestRecordSamples refreshes the raw kernel records that the decoding
// tests in internal/logencode replay without privileges. Run it by hand:
//
//	VIGIL_RECORD_SAMPLES=1 go test -run TestRecordSamples ./receiver/syscallreceiver/
func TestRecordSamples(t *testing.T) {
	if os.Getenv("VIGIL_RECORD_SAMPLES") != "1" {
		t.Skip("set VIGIL_RECORD_SAMPLES=1 to re-record internal/logencode/testdata")
	}
	requireRoot(t)
	var mu sync.Mutex
	var raws [][]byte
	tap = func(raw []byte) {
		mu.Lock()
		raws = append(raws, append([]byte(nil), raw...))
		mu.Unlock()
	}
	defer func() { tap = nil }()
	port := serve(t, "tcp", "127.0.0.1:0").Addr().(*net.TCPAddr).Port
	startReceiver(t, testConfig())
	cases := map[string]*exec.Cmd{
		"cat_shadow": exec.Command("cat", "/etc/shadow"),
		"connect":    exec.Command("bash", "-c", fmt.Sprintf("exec 3<>/dev/tcp/127.0.0.1/%d", port)),
	}
	for _, cmd := range cases {
		// a fixed environment: the samples are committed
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8"}
		cmd.Dir = "/tmp"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v: %s", cmd.Args, err, out)
		}
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for name, cmd := range cases {
		pid := uint32(cmd.Process.Pid)
		var out []byte
		n := 0
		var r event.Record
		var k event.Proc
		for _, raw := range raws {
			if event.Decode(raw, &r) != nil {
				continue
			}
			// the fork record is the parent's; its proc section names the child
			s, ok := r.Find(event.SecProc, -1)
			forkOf := r.Kind == event.KindFork && ok && event.ParseProc(s.Data, &k) && k.PID == pid
			if r.TGID != pid && !forkOf {
				continue
			}
			out = binary.LittleEndian.AppendUint32(out, uint32(len(raw)))
			out = append(out, raw...)
			n++
		}
		path := filepath.Join("internal", "logencode", "testdata", name+".bin")
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d records", path, n)
	}
}
