package syscallreceiver

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/metadatatest"
)

func sum(t *testing.T, tt *componenttest.Telemetry, name string) (int64, []metricdata.DataPoint[int64]) {
	t.Helper()
	m, err := tt.GetMetric(name)
	if err != nil {
		return 0, nil
	}
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("%s is %T", name, m.Data)
	}
	var v int64
	for _, dp := range s.DataPoints {
		v += dp.Value
	}
	return v, s.DataPoints
}

// A ring too small for the load must show up as counted drops, per CPU,
// and the other counters must move.
func TestKernelDropsAreCounted(t *testing.T) {
	requireRoot(t)
	tt := componenttest.NewTelemetry()
	defer tt.Shutdown(context.Background())
	cfg := testConfig()
	cfg.RingBufferSize = 4096
	cfg.PollInterval = 500 * time.Millisecond // the reader sleeps while the storm fills the ring
	sink := new(consumertest.LogsSink)
	r, err := NewFactory().CreateLogs(context.Background(), metadatatest.NewSettings(tt), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	for i := 0; i < 20; i++ {
		if err := exec.Command("cat", "/etc/hostname").Run(); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(1500 * time.Millisecond)
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	drops, dps := sum(t, tt, "otelcol_receiver_syscall_kernel_drops")
	if drops == 0 {
		t.Fatal("no kernel drops counted with a 4 KiB ring")
	}
	for _, dp := range dps {
		if v, ok := dp.Attributes.Value("cpu"); !ok || v.AsString() == "" {
			t.Errorf("drop data point without a cpu attribute: %v", dp.Attributes)
		}
	}
	if read, _ := sum(t, tt, "otelcol_receiver_syscall_events_read"); read == 0 {
		t.Error("events_read did not move")
	}
	if emitted, _ := sum(t, tt, "otelcol_receiver_syscall_records_emitted"); emitted != int64(sink.LogRecordCount()) {
		t.Errorf("records_emitted %d, sink got %d", emitted, sink.LogRecordCount())
	}
	if _, err := tt.GetMetric("otelcol_receiver_syscall_process_table_size"); err != nil {
		t.Errorf("process_table_size: %v", err)
	}
}

// A batch the next consumer refuses is lost (the kernel cannot resend it),
// so it must show up in the collector's standard refused counter and not
// as emitted; accepted batches show up as accepted.
func TestRefusedBatchesAreCounted(t *testing.T) {
	requireRoot(t)
	for _, refuse := range []bool{false, true} {
		tt := componenttest.NewTelemetry()
		cfg := testConfig()
		var next consumer.Logs = new(consumertest.LogsSink)
		if refuse {
			next = consumertest.NewErr(errors.New("memory limit reached"))
		}
		r, err := NewFactory().CreateLogs(context.Background(), metadatatest.NewSettings(tt), cfg, next)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			if err := exec.Command("cat", "/etc/hostname").Run(); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(500 * time.Millisecond)
		if err := r.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		accepted, _ := sum(t, tt, "otelcol_receiver_accepted_log_records")
		refused, _ := sum(t, tt, "otelcol_receiver_refused_log_records")
		emitted, _ := sum(t, tt, "otelcol_receiver_syscall_records_emitted")
		if refuse {
			if refused == 0 || accepted != 0 || emitted != 0 {
				t.Errorf("refusing consumer: accepted %d, refused %d, emitted %d; want 0, >0, 0", accepted, refused, emitted)
			}
		} else if accepted == 0 || refused != 0 || emitted != accepted {
			t.Errorf("accepting consumer: accepted %d, refused %d, emitted %d; want >0, 0, = accepted", accepted, refused, emitted)
		}
		tt.Shutdown(context.Background())
	}
}
