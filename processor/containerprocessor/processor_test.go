package containerprocessor

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/vigil-sec/vigil/e2e/containerd"
	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/metadatatest"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("containerd needs root (CI=true: not skipping)")
	}
	t.Skip("containerd needs root")
}

type harness struct {
	p    processor.Logs
	sink *consumertest.LogsSink
	tt   *componenttest.Telemetry
	logs *observer.ObservedLogs
}

func startProcessor(t *testing.T, cfg *Config) *harness {
	t.Helper()
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tt.Shutdown(context.Background()) })
	set := metadatatest.NewSettings(tt)
	core, logs := observer.New(zap.InfoLevel)
	set.Logger = zap.New(core)
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return &harness{p: p, sink: sink, tt: tt, logs: logs}
}

// consume sends one record under a Resource of container id and returns
// that Resource's attributes as the next consumer got them.
func (h *harness) consume(t *testing.T, id string) map[string]any {
	t.Helper()
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(eventattr.ContainerID, id)
	rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("event")
	if err := h.p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	all := h.sink.AllLogs()
	return all[len(all)-1].ResourceLogs().At(0).Resource().Attributes().AsRaw()
}

func (h *harness) counter(t *testing.T, name, attr, value string) int64 {
	t.Helper()
	m, err := h.tt.GetMetric(name)
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if v, ok := dp.Attributes.Value(attributeKey(attr)); attr == "" || ok && v.AsString() == value {
			n += dp.Value
		}
	}
	return n
}

// TestProcessorFromContainerdEvents: a container created while the
// processor runs is cached from containerd's create event, so its first
// Resource is enriched without a lookup; its metadata stays after the
// container is deleted, for its last events.
func TestProcessorFromContainerdEvents(t *testing.T) {
	requireRoot(t)
	d := containerd.Start(t, "")
	d.ImportBusybox(t)
	cfg := createDefaultConfig()
	cfg.Discover = false
	cfg.Runtimes = []RuntimeConfig{{TypeContainerd, d.Socket}}
	h := startProcessor(t, cfg)
	waitFor(t, func() bool { return h.logs.FilterMessage("following the container runtime's events").Len() == 1 })

	id := strings.Repeat("5", 64)
	d.Run(t, id, []string{"--privileged", "--label", "io.kubernetes.pod.namespace=shop"}, "sleep", "300")
	a := h.consume(t, id)
	for k, want := range map[string]any{
		eventattr.ContainerName:    id,
		eventattr.ContainerRuntime: "containerd",
		eventattr.ImageName:        containerd.ImageRepo,
		eventattr.ImageTag:         containerd.ImageTag,
		eventattr.ContainerPriv:    true,
		eventattr.NamespaceName:    "shop",
		eventattr.ContainerLabelPrefix + "io.kubernetes.pod.namespace": "shop",
	} {
		if a[k] != want {
			t.Errorf("%s = %v, want %v", k, a[k], want)
		}
	}
	if n := h.counter(t, "otelcol_processor_container_lookups", "", ""); n != 0 {
		t.Errorf("%d lookups: the create event should have filled the cache", n)
	}
	d.Remove(id)
	time.Sleep(500 * time.Millisecond) // the delete event
	if a := h.consume(t, id); a[eventattr.ContainerName] != id {
		t.Errorf("after delete, within removed_grace: container.name = %v", a[eventattr.ContainerName])
	}
}

// TestProcessorRuntimeFailures: a socket that accepts and never answers, one
// that answers garbage and one where nothing listens yet. Lookups end within
// lookup_timeout, failures are counted, each runtime is warned about once,
// and a containerd that starts later at the missing socket is picked up.
func TestProcessorRuntimeFailures(t *testing.T) {
	requireRoot(t)
	dir, err := os.MkdirTemp("", "vigil-rt-")
	if err != nil {
		t.Fatal(err)
	}
	// after containerd's cleanup, which needs its socket
	t.Cleanup(func() { os.RemoveAll(dir) })
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	silent := listen(t, filepath.Join(dir, "silent.sock"), func(c net.Conn) {
		<-stop // accepts, never answers
		c.Close()
	})
	garbage := listen(t, filepath.Join(dir, "garbage.sock"), func(c net.Conn) {
		c.Write([]byte("HTTP/1.0 200 OK\r\n\r\nthis is not gRPC\x00\xff\xfe"))
		c.Close()
	})
	later := filepath.Join(dir, "later.sock")

	cfg := createDefaultConfig()
	cfg.Discover = false
	cfg.Runtimes = []RuntimeConfig{{TypeContainerd, silent}, {TypeContainerd, garbage}, {TypeContainerd, later}}
	cfg.RetryInterval = 200 * time.Millisecond
	cfg.LookupTimeout = 300 * time.Millisecond
	cfg.NotFoundTTL = 0
	h := startProcessor(t, cfg)

	id := strings.Repeat("6", 64)
	// the first lookup may find the runtimes untried: it is bounded all the same
	if a := h.consume(t, id); a[eventattr.ContainerName] != nil {
		t.Fatalf("metadata from nowhere: %v", a)
	}
	waitFor(t, func() bool {
		return h.counter(t, "otelcol_processor_container_runtime_failures", "runtime", "containerd:"+silent) >= 2 &&
			h.counter(t, "otelcol_processor_container_runtime_failures", "runtime", "containerd:"+garbage) >= 2
	})
	for _, s := range []string{silent, garbage} {
		if n := h.logs.FilterMessage("the container runtime does not answer; its containers' metadata is missing until it does").
			FilterField(zap.String("socket", s)).Len(); n != 1 {
			t.Errorf("%s: warned %d times, want once", s, n)
		}
	}
	if a := h.consume(t, id); a[eventattr.ContainerName] != nil {
		t.Fatalf("metadata from nowhere: %v", a)
	}
	if n := h.counter(t, "otelcol_processor_container_lookups", "", ""); n != 2 {
		t.Errorf("%d lookups counted, want 2", n)
	}

	// containerd starts at the socket that was missing
	d := containerd.Start(t, later)
	d.ImportBusybox(t)
	d.Run(t, id, nil, "sleep", "300")
	waitFor(t, func() bool { return h.consume(t, id)[eventattr.ContainerName] == id })
	if n := h.logs.FilterMessage("no container runtime at this socket; looking again every retry_interval").Len(); n != 1 {
		t.Errorf("absent socket noted %d times, want once", n)
	}
}

func listen(t *testing.T, path string, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return path
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func attributeKey(k string) attribute.Key { return attribute.Key(k) }
