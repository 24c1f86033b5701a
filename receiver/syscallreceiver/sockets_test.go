package syscallreceiver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func serve(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln
}

func TestIPv6AndUnixConnects(t *testing.T) {
	requireRoot(t)
	ln6 := serve(t, "tcp6", "[::1]:0")
	port6 := ln6.Addr().(*net.TCPAddr).Port
	sock := filepath.Join(t.TempDir(), "vigil.sock")
	serve(t, "unix", sock)
	sink := startReceiver(t, testConfig())

	c6 := exec.Command("bash", "-c", fmt.Sprintf("exec 3<>/dev/tcp/::1/%d", port6))
	if out, err := c6.CombinedOutput(); err != nil {
		t.Fatalf("ipv6 connect: %v: %s", err, out)
	}
	pid6 := int64(c6.Process.Pid)
	rec, ok := waitFor(t, sink, 5*time.Second, ipConnectBy(pid6))
	if !ok {
		t.Fatal("no IPv6 connect")
	}
	cport, _ := intv(rec.attr, "client.port")
	want := "::1:" + strconv.FormatInt(cport, 10) + "->::1:" + strconv.Itoa(port6)
	if got := str(rec.attr, "vigil.fd.name"); got != want {
		t.Errorf("IPv6 vigil.fd.name = %q, want %q", got, want)
	}
	if got := str(rec.attr, "vigil.fd.type"); got != "ipv6" {
		t.Errorf("IPv6 vigil.fd.type = %q", got)
	}

	// Another process must connect: the receiver drops its own process's
	// events, and this test process is that process.
	cu := exec.Command(os.Args[0], "-test.run=^TestUnixConnectHelper$")
	cu.Env = append(os.Environ(), unixConnectEnv+"="+sock)
	if out, err := cu.CombinedOutput(); err != nil {
		t.Fatalf("unix connect: %v: %s", err, out)
	}
	pidu := int64(cu.Process.Pid)
	rec, ok = waitFor(t, sink, 5*time.Second, func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pidu && str(r.attr, "vigil.evt.type") == "connect" && str(r.attr, "vigil.fd.type") == "unix"
	})
	if !ok {
		t.Fatal("no unix connect")
	}
	if got := str(rec.attr, "vigil.fd.name"); got != sock {
		t.Errorf("unix vigil.fd.name = %q, want %q", got, sock)
	}
	if _, ok := rec.attr.Get("network.transport"); ok {
		t.Error("a unix socket carries network.transport")
	}
}

const unixConnectEnv = "VIGIL_TEST_UNIX_CONNECT"

// TestUnixConnectHelper is the child process of TestLoopbackConnects: it
// connects to the unix socket named in the environment and exits. It does
// nothing in a normal test run.
func TestUnixConnectHelper(t *testing.T) {
	path := os.Getenv(unixConnectEnv)
	if path == "" {
		t.Skip("runs only as the child of TestIPv6AndUnixConnects")
	}
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// ipConnectBy selects pid's connect on an IP socket. bash's /dev/tcp
// resolves the address first, and without SHELL in its environment it also
// looks up the user; glibc then connects to nscd's unix socket, a connect
// that is not the one under test.
func ipConnectBy(pid int64) func(record) bool {
	return func(r record) bool {
		p, _ := intv(r.res, "process.pid")
		return p == pid && str(r.attr, "vigil.evt.type") == "connect" && str(r.attr, "vigil.fd.type") != "unix"
	}
}
