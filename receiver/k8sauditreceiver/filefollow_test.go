package k8sauditreceiver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/metadata"
)

// memStorage is a storage extension holding its values in memory; it
// outlives receivers, as file_storage's directory does.
type memStorage struct {
	mu sync.Mutex
	kv map[string][]byte
}

func (m *memStorage) Start(context.Context, component.Host) error { return nil }
func (m *memStorage) Shutdown(context.Context) error              { return nil }
func (m *memStorage) GetClient(context.Context, component.Kind, component.ID, string) (storage.Client, error) {
	return m, nil
}
func (m *memStorage) Get(_ context.Context, k string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]byte(nil), m.kv[k]...), nil
}
func (m *memStorage) Set(_ context.Context, k string, v []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kv[k] = append([]byte(nil), v...)
	return nil
}
func (m *memStorage) Delete(_ context.Context, k string) error {
	return m.Set(context.Background(), k, nil)
}
func (m *memStorage) Batch(context.Context, ...*storage.Operation) error {
	return nil
}
func (m *memStorage) Close(context.Context) error { return nil }

type hostWith struct {
	ext map[component.ID]component.Component
}

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h.ext }

func auditLine(id string) string {
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":%q,"stage":"ResponseComplete","verb":"get","user":{"username":"u"},"stageTimestamp":"2026-12-02T07:00:01Z"}`+"\n", id)
}

func appendLines(t *testing.T, path string, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func auditIDs(sink *consumertest.LogsSink) map[string]int {
	ids := map[string]int{}
	for _, ld := range sink.AllLogs() {
		forEachRecord(ld, func(lr plog.LogRecord) {
			v, _ := lr.Attributes().Get(eventattr.K8sAuditID)
			ids[v.Str()]++
		})
	}
	return ids
}

func waitRecords(t *testing.T, sink *consumertest.LogsSink, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for sink.LogRecordCount() < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := sink.LogRecordCount(); got != n {
		t.Fatalf("%d records, want %d (ids %v)", got, n, auditIDs(sink))
	}
}

// startFollower starts a file-mode receiver on logPath with the storage
// extension in host; the returned function stops it.
func startFollower(t *testing.T, logPath string, host hostWith, sink *consumertest.LogsSink) func() {
	t.Helper()
	storeID := component.MustNewID("file_storage")
	cfg := createDefaultConfig()
	cfg.NetAddr.Endpoint = ""
	cfg.File = FileConfig{Path: logPath, Storage: &storeID, PollInterval: 10 * time.Millisecond, MaxBatchSize: 2}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := r.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}
}

func requireEachOnce(t *testing.T, sink *consumertest.LogsSink, n int) {
	t.Helper()
	ids := auditIDs(sink)
	for i := 1; i <= n; i++ {
		if c := ids[fmt.Sprintf("e%d", i)]; c != 1 {
			t.Errorf("e%d delivered %d times (all: %v)", i, c, ids)
		}
	}
}

// File mode follows the log across appends, a line written in two parts,
// rotation while running and rotation while stopped, and delivers every
// event exactly once, resuming at the position kept in the storage
// extension.
func TestFileModeFollowsRotatesAndResumes(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "audit.log")
	store := &memStorage{kv: map[string][]byte{}}
	storeID := component.MustNewID("file_storage")
	host := hostWith{ext: map[component.ID]component.Component{storeID: store}}
	sink := new(consumertest.LogsSink)
	start := func() func() { return startFollower(t, logPath, host, sink) }

	appendLines(t, logPath, auditLine("e1")+auditLine("e2")+auditLine("e3"))
	stop := start()
	waitRecords(t, sink, 3)

	half := auditLine("e4")
	appendLines(t, logPath, half[:40])
	time.Sleep(100 * time.Millisecond)
	appendLines(t, logPath, half[40:]+"not an audit event\n"+auditLine("e5"))
	waitRecords(t, sink, 5)

	// Rotation while running: a last line lands in the old file, then the
	// apiserver renames it and starts a new one.
	appendLines(t, logPath, auditLine("e6"))
	if err := os.Rename(logPath, filepath.Join(dir, "audit-1.log")); err != nil {
		t.Fatal(err)
	}
	appendLines(t, logPath, auditLine("e7")+auditLine("e8"))
	waitRecords(t, sink, 8)
	stop()

	// While stopped: more lines, and another rotation.
	appendLines(t, logPath, auditLine("e9"))
	if err := os.Rename(logPath, filepath.Join(dir, "audit-2.log")); err != nil {
		t.Fatal(err)
	}
	appendLines(t, logPath, auditLine("e10")+auditLine("e11"))
	stop = start()
	defer stop()
	waitRecords(t, sink, 11)
	time.Sleep(200 * time.Millisecond)
	requireEachOnce(t, sink, 11)
}

// Rotations while the collector is stopped: the log rotates twice (then a
// third time, logrotate-style), and every renamed file is read in the order
// it was written, from the stored position in the first one to the live
// file; older rotated files and compressed copies are left alone.
func TestFileModeReadsEveryFileOfSeveralRotations(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "audit.log")
	store := &memStorage{kv: map[string][]byte{}}
	host := hostWith{ext: map[component.ID]component.Component{component.MustNewID("file_storage"): store}}
	sink := new(consumertest.LogsSink)

	// A rotated file from before the collector ever ran, and unrelated
	// files next to the log: none of them is read.
	old := filepath.Join(dir, "audit-2026-01-01T00-00-00.000.log")
	appendLines(t, old, auditLine("old"))
	if err := os.Chtimes(old, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	appendLines(t, filepath.Join(dir, "audit-policy.yaml"), auditLine("policy"))

	appendLines(t, logPath, auditLine("e1")+auditLine("e2")+auditLine("e3"))
	stop := startFollower(t, logPath, host, sink)
	waitRecords(t, sink, 3)
	stop()

	// Rotations are milliseconds apart at the least (the apiserver rotates
	// at megabytes); a pause longer than the file system's clock tick keeps
	// the files' write times apart as they are in production.
	rotate := func(to string) {
		time.Sleep(20 * time.Millisecond)
		if err := os.Rename(logPath, filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
	}
	appendLines(t, logPath, auditLine("e4"))
	rotate("audit-2026-12-02T10-00-00.000.log")
	appendLines(t, logPath, auditLine("e5")+auditLine("e6")+auditLine("e7"))
	rotate("audit-2026-12-02T11-00-00.000.log")
	appendLines(t, logPath, auditLine("e8"))
	rotate("audit.log.1")
	time.Sleep(20 * time.Millisecond)
	appendLines(t, filepath.Join(dir, "audit.log.2.gz"), auditLine("gz"))
	appendLines(t, logPath, auditLine("e9")+auditLine("e10"))

	stop = startFollower(t, logPath, host, sink)
	defer stop()
	waitRecords(t, sink, 10)
	time.Sleep(200 * time.Millisecond)
	requireEachOnce(t, sink, 10)
	if n := sink.LogRecordCount(); n != 10 {
		t.Errorf("%d records, want 10 (ids %v)", n, auditIDs(sink))
	}
}
