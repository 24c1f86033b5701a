// Package collector runs the built distribution, bin/vigil, as a separate
// process with a configuration written by the test, the way users run it.
package collector

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/daemon"
)

// RepoRoot is the repository's root directory, found from the test's
// working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(data, []byte("module github.com/vigil-sec/vigil\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root (go.mod of github.com/vigil-sec/vigil) not found above the working directory")
		}
		dir = parent
	}
}

// Binary is the path of bin/vigil. It fails the test (never skips) when
// the binary is missing: `make test` builds it first, and a stale or
// absent binary must not let end-to-end tests pass silently.
func Binary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(RepoRoot(t), "bin", "vigil")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make build` (make test does it first): %v", bin, err)
	}
	return bin
}

// Validate runs `bin/vigil validate --config path` and returns its error
// with the collector's output.
func Validate(t testing.TB, path string) error {
	t.Helper()
	out, err := exec.Command(Binary(t), "validate", "--config", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("vigil validate --config %s: %w\n%s", path, err, out)
	}
	return nil
}

// Process is a running collector.
type Process struct {
	// ConfigPath is the configuration file the test wrote.
	ConfigPath string
	// Dir is the process's temp directory (config, log).
	Dir string

	bin  string
	env  []string
	proc *daemon.Process
}

// ready is the line the collector logs once every pipeline has started.
const ready = "Everything is ready. Begin running and processing data."

// Start writes config to a file and runs bin/vigil with it, with env added
// to the environment. It returns once the collector logged that every
// pipeline is running (so config must keep the collector's own logs at info
// level, the default), and stops the collector when the test ends.
func Start(t testing.TB, config string, env ...string) *Process {
	t.Helper()
	dir := t.TempDir()
	p := &Process{ConfigPath: filepath.Join(dir, "config.yaml"), Dir: dir, bin: Binary(t), env: env}
	if err := os.WriteFile(p.ConfigPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	p.Restart(t)
	return p
}

// Restart starts the collector again with the same configuration (after
// Stop or Kill), and waits until it is ready.
func (p *Process) Restart(t testing.TB) {
	t.Helper()
	before := 0
	if p.proc != nil {
		before = strings.Count(p.proc.Log(), ready)
	}
	p.proc = daemon.Start(t, "vigil", p.Dir, p.bin, []string{"--config", p.ConfigPath}, p.env)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for strings.Count(p.proc.Log(), ready) <= before {
		select {
		case <-p.proc.Exited():
			t.Fatalf("vigil exited during start-up\n%s", p.proc.Tail(40))
		case <-ctx.Done():
			t.Fatalf("vigil not ready after a minute\n%s", p.proc.Tail(40))
		case <-tick.C:
		}
	}
}

// Stop stops the collector with SIGTERM (it drains its pipelines) and fails
// the test if it did not exit cleanly.
func (p *Process) Stop(t testing.TB) {
	t.Helper()
	if err := p.proc.Stop(t); err != nil {
		t.Errorf("vigil exited with %v\n%s", err, p.proc.Tail(40))
	}
}

// Kill ends the collector with SIGKILL, as a crash would.
func (p *Process) Kill() { p.proc.Kill() }

// Pid is the collector's process id.
func (p *Process) Pid() int { return p.proc.Pid() }

// Log is everything the collector wrote so far (all runs).
func (p *Process) Log() string { return p.proc.Log() }

// Tail is the end of the log, for failure messages.
func (p *Process) Tail(n int) string { return p.proc.Tail(n) }
