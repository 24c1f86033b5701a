package falcojsonexporter

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/falcoalert"
	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/metadatatest"
)

func oneAlert(i int) plog.Logs {
	ld := plog.NewLogs()
	builtAlerts()[i].appendTo(ld)
	return ld
}

// wantLine is the JSON line the exporter must write for ld's only alert.
func wantLine(ld plog.Logs) string {
	rl := ld.ResourceLogs().At(0)
	enc := falcoalert.NewEncoder(falcoalert.DefaultOptions())
	return string(enc.Append(nil, rl.ScopeLogs().At(0).LogRecords().At(0), rl.Resource())) + "\n"
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// TestFileJSONLines: one line per alert, exactly the encoder's bytes, in
// order; event records are skipped and counted; the file is not readable by
// everyone.
func TestFileJSONLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.json")
	exp := startExporter(t, false, func(c *Config) { c.Path = path })

	ld := plog.NewLogs()
	var want string
	for i, a := range builtAlerts() {
		a.appendTo(ld)
		want += wantLine(oneAlert(i))
		eventRecord(ld)
	}
	require.NoError(t, exp.ConsumeLogs(context.Background(), ld))
	assert.Equal(t, want, readFile(t, path))

	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
	metadatatest.AssertEqualFalcojsonRecordsSkipped(t, exp.tel, sum(4), metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())

	// Appends, never truncates: a restarted collector keeps old alerts.
	require.NoError(t, exp.Shutdown(context.Background()))
	exp2 := startExporter(t, false, func(c *Config) { c.Path = path })
	require.NoError(t, exp2.ConsumeLogs(context.Background(), oneAlert(0)))
	assert.Equal(t, want+wantLine(oneAlert(0)), readFile(t, path))
}

// TestFileRotation: after the path is renamed (logrotate's default) or
// removed, the next batch goes to a new file at the path; after SIGHUP the
// file is reopened.
func TestFileRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alerts.json")
	exp := startExporter(t, false, func(c *Config) { c.Path = path })
	ctx := context.Background()

	require.NoError(t, exp.ConsumeLogs(ctx, oneAlert(0)))
	require.NoError(t, os.Rename(path, path+".1"))
	require.NoError(t, exp.ConsumeLogs(ctx, oneAlert(1)))
	assert.Equal(t, wantLine(oneAlert(0)), readFile(t, path+".1"), "rotated file keeps what was written before")
	assert.Equal(t, wantLine(oneAlert(1)), readFile(t, path), "new file at the path gets the next batch")

	require.NoError(t, os.Remove(path))
	require.NoError(t, exp.ConsumeLogs(ctx, oneAlert(2)))
	assert.Equal(t, wantLine(oneAlert(2)), readFile(t, path))

	// copytruncate-free rotation by a tool that signals instead: the path
	// is replaced by another file, then SIGHUP arrives.
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	time.Sleep(50 * time.Millisecond) // signal delivery is asynchronous
	require.NoError(t, exp.ConsumeLogs(ctx, oneAlert(3)))
	assert.Equal(t, wantLine(oneAlert(2))+wantLine(oneAlert(3)), readFile(t, path))

	entries := exp.logs.FilterMessage("Reopened the alert file").All()
	var reasons []string
	for _, e := range entries {
		reasons = append(reasons, e.ContextMap()["reason"].(string))
	}
	assert.Equal(t, []string{"path removed or renamed", "path removed or renamed", "SIGHUP"}, reasons)
	metadatatest.AssertEqualFalcojsonFileReopens(t, exp.tel, sum(3), metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// TestFileReplacedPath: a new file moved onto the path is detected too.
func TestFileReplacedPath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alerts.json")
	exp := startExporter(t, false, func(c *Config) { c.Path = path })
	require.NoError(t, exp.ConsumeLogs(context.Background(), oneAlert(0)))
	require.NoError(t, os.Rename(path, path+".old"))
	require.NoError(t, os.WriteFile(path, nil, 0o640))
	require.NoError(t, exp.ConsumeLogs(context.Background(), oneAlert(1)))
	assert.Equal(t, wantLine(oneAlert(1)), readFile(t, path))
	assert.Equal(t, wantLine(oneAlert(0)), readFile(t, path+".old"))
}

// TestStdout: stdout mode writes the same lines to the process's stdout and
// leaves it open at shutdown.
func TestStdout(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	saved := os.Stdout
	os.Stdout = w
	t.Cleanup(func() { os.Stdout = saved })

	exp := startExporter(t, false, func(c *Config) { c.Stdout = true })
	require.NoError(t, exp.ConsumeLogs(context.Background(), oneAlert(0)))
	require.NoError(t, exp.Shutdown(context.Background()))
	_, err = w.Write([]byte("still open\n"))
	require.NoError(t, err, "shutdown must not close stdout")
	require.NoError(t, w.Close())

	out, err := io.ReadAll(bufio.NewReader(r))
	require.NoError(t, err)
	assert.Equal(t, wantLine(oneAlert(0))+"still open\n", string(out))
	assert.True(t, bytes.HasPrefix(out, []byte(`{"hostname":"node-1","output":"`)))
}

// TestFileText: with json_output off, Falco's text line per alert.
func TestFileText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.txt")
	exp := startExporter(t, false, func(c *Config) { c.Path = path; c.JSONOutput = false })
	ld := oneAlert(3) // multi-line body
	eventRecord(ld)
	require.NoError(t, exp.ConsumeLogs(context.Background(), ld))
	local := alertTime.Add(3 * time.Second).Local().Format("15:04:05.000000000")
	assert.Equal(t, local+`: Debug line1\nline2\ttab`+"\n", readFile(t, path))
}
