package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/vigil-sec/vigil/alert"
	"github.com/vigil-sec/vigil/e2e/otlpsink"
)

// requireRoot: the collector's syscall receiver loads eBPF programs. Without
// root the test skips, except under CI=true, where nothing may pass
// silently.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("end-to-end tests with the syscall receiver need root (CI=true: not skipping)")
	}
	t.Skip("needs root for the syscall receiver's eBPF probe")
}

// The rule of Vigil's default ruleset that `cat /etc/shadow` trips.
const shadowRule = "Sensitive file read by untrusted program"

// readShadow runs `cat /etc/shadow [extra...]` as a child of the test
// process (so its parent is not a shell) and returns cat's pid. cat fails
// when extra names a missing file; it has read /etc/shadow by then.
func readShadow(t *testing.T, extra ...string) int64 {
	t.Helper()
	cmd := exec.Command("cat", append([]string{"/etc/shadow"}, extra...)...)
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil && len(extra) == 0 {
		t.Fatalf("cat /etc/shadow: %v", err)
	}
	return int64(cmd.Process.Pid)
}

// alertOf keeps the alerts raised for the process with this pid. The
// process context is on the alert's resource (kept from the event).
func alertOf(pid int64) func(otlpsink.Record) bool {
	return func(r otlpsink.Record) bool {
		if r.Log.EventName() != alert.EventName {
			return false
		}
		v, ok := r.Resource.Attributes().Get("process.pid")
		return ok && v.Int() == pid
	}
}

// outputField reads one output field of an alert as text, "<absent>"
// when the alert has no such field.
func outputField(r otlpsink.Record, name string) string {
	v, ok := r.Log.Attributes().Get(alert.OutputFields)
	if !ok || v.Type() != pcommon.ValueTypeMap {
		return "<no output fields>"
	}
	f, ok := v.Map().Get(name)
	if !ok {
		return "<absent>"
	}
	return f.AsString()
}

func str(m pcommon.Map, key string) string {
	v, ok := m.Get(key)
	if !ok {
		return "<absent>"
	}
	return v.AsString()
}

// scrapeMetric reads one counter from the collector's Prometheus endpoint,
// summing the series whose labels contain every given label pair.
func scrapeMetric(t testing.TB, url, name string, labels ...string) float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	total, found := 0.0, false
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		ok := true
		for _, l := range labels {
			if !strings.Contains(line, l) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		total += v
		found = true
	}
	if !found {
		return 0 // a counter that never moved is not exported yet
	}
	return total
}

func yamlQuote(s string) string { return strconv.Quote(s) }

// describe lists records for a failure message: event name, rule, pid, body.
func describe(recs []otlpsink.Record) string {
	var b strings.Builder
	for _, r := range recs {
		a := r.Log.Attributes()
		fmt.Fprintf(&b, "  %s rule=%q pid=%s body=%.160q\n", r.Log.EventName(), str(a, alert.RuleName), str(r.Resource.Attributes(), "process.pid"), r.Log.Body().AsString())
	}
	if b.Len() == 0 {
		return "  (nothing)\n"
	}
	return b.String()
}
