package logencode

import (
	"encoding/binary"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/procstate"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// samples reads a recorded file: frames of u32 length + raw record.
func samples(t *testing.T, name string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for len(b) >= 4 {
		n := int(binary.LittleEndian.Uint32(b))
		if 4+n > len(b) {
			t.Fatalf("%s: truncated frame", name)
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out
}

// newBuilder has no /proc behind it: everything it knows comes from the
// recorded records.
func newBuilder(emit ...string) *Encoder {
	b := New(procstate.New(proctable.New(1024), proctable.NewUsers("testdata/passwd", "testdata/group"), nil), "test-host")
	b.Emit = make([]bool, 512)
	for _, n := range emit {
		s, _ := syscalls.Lookup(n)
		b.Emit[s.NR] = true
	}
	return b
}

type rec struct {
	res, attr pcommon.Map
}

func records(l plog.Logs) []rec {
	var out []rec
	for i := 0; i < l.ResourceLogs().Len(); i++ {
		rl := l.ResourceLogs().At(i)
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			lrs := rl.ScopeLogs().At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				out = append(out, rec{rl.Resource().Attributes(), lrs.At(k).Attributes()})
			}
		}
	}
	return out
}

// checkPlacement checks that every attribute is a key of the attribute
// contract and sits where the contract says it lives.
func checkPlacement(t *testing.T, res, attr pcommon.Map) {
	t.Helper()
	for _, m := range []struct {
		m        pcommon.Map
		resource bool
	}{{res, true}, {attr, false}} {
		for k := range m.m.All() {
			onResource, known := eventattr.Where(k)
			if !known {
				t.Errorf("%s is not a key of the attribute contract", k)
			} else if onResource != m.resource {
				t.Errorf("%s: on the resource %v, the contract says %v", k, m.resource, onResource)
			}
		}
	}
}

func get(m pcommon.Map, k string) string {
	v, ok := m.Get(k)
	if !ok {
		return "<absent>"
	}
	return v.AsString()
}

func TestReplayCatShadow(t *testing.T) {
	b := newBuilder("openat", "execve", "close")
	for _, raw := range samples(t, "cat_shadow.bin") {
		if err := b.Handle(raw, 1); err != nil {
			t.Fatal(err)
		}
	}
	var open *rec
	var closes int
	rs := records(b.Take())
	for i := range rs {
		r := &rs[i]
		switch get(r.attr, "vigil.evt.type") {
		case "openat":
			if get(r.attr, "file.path") == "/etc/shadow" {
				open = r
			}
		case "close":
			closes++
		}
	}
	if open == nil {
		t.Fatalf("no openat of /etc/shadow among %d records", len(rs))
	}
	for k, want := range map[string]string{
		"vigil.evt.arg.name":     "/etc/shadow",
		"vigil.evt.arg.dirfd":    "AT_FDCWD",
		"vigil.evt.arg.flags":    "O_RDONLY",
		"vigil.evt.rawarg.flags": "0",
		"vigil.fd.type":          "file",
		"vigil.fd.nameraw":       "/etc/shadow",
		"thread.id":              get(open.res, "process.pid"),
	} {
		if got := get(open.attr, k); got != want {
			t.Errorf("record %s = %s, want %s", k, got, want)
		}
	}
	// the process context is on the resource
	for k, want := range map[string]string{
		"host.name":                 "test-host",
		"process.executable.name":   "cat",
		"process.command_line":      "cat /etc/shadow",
		"process.command":           "cat",
		"process.command_args":      `["cat","/etc/shadow"]`,
		"process.working_directory": "/tmp/",
		"process.user.name":         "root",
		"vigil.group.name":          "root",
		"process.interactive":       "false",
	} {
		if got := get(open.res, k); got != want {
			t.Errorf("resource %s = %s, want %s", k, got, want)
		}
	}
	checkPlacement(t, open.res, open.attr)
	if !strings.HasSuffix(get(open.attr, "vigil.evt.arg.fd"), "(<f>/etc/shadow)") {
		t.Errorf("vigil.evt.arg.fd = %s", get(open.attr, "vigil.evt.arg.fd"))
	}
	if !strings.HasSuffix(get(open.res, "process.executable.path"), "/cat") {
		t.Errorf("process.executable.path = %s", get(open.res, "process.executable.path"))
	}
	// the parameters are written in openat's parameter order
	var order []string
	open.attr.Range(func(k string, _ pcommon.Value) bool {
		if strings.HasPrefix(k, "vigil.evt.arg.") {
			order = append(order, strings.TrimPrefix(k, "vigil.evt.arg."))
		}
		return true
	})
	if got := strings.Join(order, ","); got != "fd,dirfd,name,flags,mode,dev,ino" {
		t.Errorf("evt.arg order = %s", got)
	}
	if closes == 0 {
		t.Error("no close records")
	}
	if b.Malformed != 0 {
		t.Errorf("%d malformed records", b.Malformed)
	}
}

func TestReplayConnect(t *testing.T) {
	b := newBuilder("connect", "socket")
	for _, raw := range samples(t, "connect.bin") {
		if err := b.Handle(raw, 1); err != nil {
			t.Fatal(err)
		}
	}
	var conn, sock *rec
	rs := records(b.Take())
	for i := range rs {
		switch get(rs[i].attr, "vigil.evt.type") {
		case "connect":
			conn = &rs[i]
		case "socket":
			sock = &rs[i]
		}
	}
	if conn == nil || sock == nil {
		t.Fatalf("connect %v, socket %v among %d records", conn != nil, sock != nil, len(rs))
	}
	a := conn.attr
	addr := get(a, "vigil.evt.arg.addr")
	_, port, ok := strings.Cut(addr, ":")
	if !ok || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("vigil.evt.arg.addr = %s", addr)
	}
	want := "127.0.0.1:" + get(a, "client.port") + "->127.0.0.1:" + port
	for k, w := range map[string]string{
		"vigil.fd.name": want, "vigil.evt.arg.tuple": want, "server.port": port, "server.address": "127.0.0.1",
		"network.transport": "tcp", "vigil.fd.type": "ipv4", "vigil.evt.rawres": "0",
	} {
		if got := get(a, k); got != w {
			t.Errorf("%s = %s, want %s", k, got, w)
		}
	}
	if got := get(conn.res, "process.executable.name"); got != "bash" {
		t.Errorf("resource process.executable.name = %s", got)
	}
	checkPlacement(t, conn.res, conn.attr)
	if got := get(sock.attr, "vigil.evt.arg.domain"); got != "AF_INET" {
		t.Errorf("socket domain = %s", got)
	}
}

// Decoding must reject, never crash on, damaged records.
func TestDamagedRecords(t *testing.T) {
	b := newBuilder("openat", "connect", "execve")
	raws := append(samples(t, "cat_shadow.bin"), samples(t, "connect.bin")...)
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		raw := append([]byte(nil), raws[rng.Intn(len(raws))]...)
		switch rng.Intn(3) {
		case 0:
			raw = raw[:rng.Intn(len(raw)+1)]
		case 1:
			for j := 0; j < 4; j++ {
				raw[rng.Intn(len(raw))] = byte(rng.Intn(256))
			}
		case 2:
			if len(raw) > 80 {
				raw[80+rng.Intn(len(raw)-80)] ^= 0xff
			}
		}
		_ = b.Handle(raw, 1)
	}
	if b.Malformed == 0 {
		t.Error("no damaged record was reported malformed")
	}
}

func TestDecodeHeader(t *testing.T) {
	raw := samples(t, "cat_shadow.bin")[0]
	var r event.Record
	if err := event.Decode(raw, &r); err != nil {
		t.Fatal(err)
	}
	if int(r.Len) != len(raw) || r.TGID == 0 || r.TS == 0 {
		t.Errorf("header %+v", r.Header)
	}
	if err := event.Decode(raw[:79], &r); err == nil {
		t.Error("a 79-byte record decoded")
	}
}
