package syscallreceiver

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadata"
)

// requireRoot skips tests that need eBPF when not root, except under CI
// where a missing privilege is a failure.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("this test needs root (eBPF); CI must run it as root")
		}
		t.Skip("needs root for eBPF")
	}
}

// startReceiver runs a receiver with cfg into a sink until the test ends.
func startReceiver(t *testing.T, cfg *Config) *consumertest.LogsSink {
	t.Helper()
	return startReceiverWith(t, receivertest.NewNopSettings(metadata.Type), cfg)
}

// startReceiverWith is startReceiver with the receiver's settings (a
// test's telemetry).
func startReceiverWith(t *testing.T, set receiver.Settings, cfg *Config) *consumertest.LogsSink {
	t.Helper()
	sink := new(consumertest.LogsSink)
	r, err := NewFactory().CreateLogs(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return sink
}

// record is one captured record with its resource.
type record struct {
	res  pcommon.Map
	attr pcommon.Map
	lr   plog.LogRecord
}

// waitFor polls sink until match accepts a record or the timeout passes.
func waitFor(t *testing.T, sink *consumertest.LogsSink, timeout time.Duration, match func(rec record) bool) (record, bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	seen := 0
	var mu sync.Mutex
	for time.Now().Before(deadline) {
		mu.Lock()
		all := sink.AllLogs()
		for ; seen < len(all); seen++ {
			ld := all[seen]
			for i := 0; i < ld.ResourceLogs().Len(); i++ {
				rl := ld.ResourceLogs().At(i)
				for j := 0; j < rl.ScopeLogs().Len(); j++ {
					lrs := rl.ScopeLogs().At(j).LogRecords()
					for k := 0; k < lrs.Len(); k++ {
						rec := record{res: rl.Resource().Attributes(), attr: lrs.At(k).Attributes(), lr: lrs.At(k)}
						if match(rec) {
							mu.Unlock()
							return rec, true
						}
					}
				}
			}
		}
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	return record{}, false
}

// at is the map that holds key k: the resource for the process context,
// host and container keys, the record for the rest (the attribute contract decides).
func (r record) at(k string) pcommon.Map {
	if onResource, _ := eventattr.Where(k); onResource {
		return r.res
	}
	return r.attr
}

// checkPlacement checks that every attribute of rec is where the attribute
// contract says it lives (the process context on the resource, the event on the
// record).
func checkPlacement(t *testing.T, rec record) {
	t.Helper()
	for _, m := range []struct {
		m        pcommon.Map
		resource bool
	}{{rec.res, true}, {rec.attr, false}} {
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

func str(m pcommon.Map, k string) string {
	v, ok := m.Get(k)
	if !ok {
		return ""
	}
	return v.AsString()
}

func intv(m pcommon.Map, k string) (int64, bool) {
	v, ok := m.Get(k)
	if !ok || v.Type() != pcommon.ValueTypeInt {
		return 0, false
	}
	return v.Int(), true
}

func strs(m pcommon.Map, k string) []string {
	v, ok := m.Get(k)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return nil
	}
	out := make([]string, v.Slice().Len())
	for i := range out {
		out[i] = v.Slice().At(i).AsString()
	}
	return out
}

func testConfig() *Config {
	cfg := createDefaultConfig()
	cfg.FlushInterval = 20 * time.Millisecond
	cfg.PollInterval = 2 * time.Millisecond
	cfg.RingBufferSize = 4 << 20
	// one ring per CPU: the tests then exercise the merge across rings
	cfg.CPUsPerRing = 1
	return cfg
}
