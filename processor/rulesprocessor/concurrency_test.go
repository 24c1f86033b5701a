package rulesprocessor

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vigil-sec/vigil/internal/benchbatch"
)

// TestConcurrentConsumeDuringReload consumes batches from several
// goroutines while the rules file keeps changing; run with -race.
func TestConcurrentConsumeDuringReload(t *testing.T) {
	dir := t.TempDir()
	rule := func(out string) string {
		return "- rule: R\n  desc: d\n  condition: evt.type = openat and fd.name startswith /etc\n  output: " + out + " %fd.name\n  priority: NOTICE\n"
	}
	path := writeFile(t, dir, "r.yaml", rule("a"))
	cfg := createDefaultConfig()
	cfg.Files = []string{path}
	cfg.ReloadInterval = 5 * time.Millisecond
	p, sink := newTestProcessor(t, cfg)
	batch := benchbatch.Batch(200, 10)
	batch.MarkReadOnly()
	stop := time.Now().Add(300 * time.Millisecond)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if err := p.ConsumeLogs(context.Background(), batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; time.Now().Before(stop); i++ {
		out := "a"
		if i%2 == 1 {
			out = "bb"
		}
		require.NoError(t, os.WriteFile(path, []byte(rule(out)), 0o644))
		time.Sleep(7 * time.Millisecond)
	}
	wg.Wait()
	require.NotEmpty(t, sink.AllLogs())
	for _, a := range alerts(sink) {
		body := a.Body().Str()
		require.Regexp(t, `^(a|bb) /etc/\S+ container_id=`, body)
	}
}
