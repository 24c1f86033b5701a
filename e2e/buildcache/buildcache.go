// Package buildcache builds the real backends used by the end-to-end tests
// once per machine and keeps them under a cache directory outside the
// repository, so that a warm run starts them in seconds and a cold run pays
// the build exactly once even when several test processes ask at the same
// time.
package buildcache

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Root is the cache directory: $VIGIL_E2E_CACHE if set, else
// $HOME/.cache/vigil-e2e (XDG_CACHE_HOME is honoured).
func Root() (string, error) {
	if d := os.Getenv("VIGIL_E2E_CACHE"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the e2e backends (set VIGIL_E2E_CACHE): %w", err)
	}
	return filepath.Join(base, "vigil-e2e"), nil
}

// Entry is one cached artefact directory, <root>/<name>-<version>/.
type Entry struct {
	Name, Version string
	Dir           string
}

// Open returns the entry for name and version, creating its directory.
func Open(name, version string) (*Entry, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, name+"-"+version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Entry{Name: name, Version: version, Dir: dir}, nil
}

// Path is a file inside the entry.
func (e *Entry) Path(elem ...string) string {
	return filepath.Join(append([]string{e.Dir}, elem...)...)
}

// Ensure returns the path of binary inside the entry, calling build to make it
// when it is not there yet. build writes to the temporary path it is given,
// and its tool output to buildLog, which is kept as <binary>.build.log; only
// a build that succeeds is renamed into place, so an interrupted build is
// never mistaken for a finished one. An exclusive lock on the entry makes
// concurrent callers (parallel test binaries) wait for one build instead of
// starting their own. Progress lines go to log.
func (e *Entry) Ensure(binary string, log io.Writer, build func(tmpOut string, buildLog io.Writer) error) (string, error) {
	final := e.Path(binary)
	if isExecutable(final) {
		return final, nil
	}
	unlock, err := lock(e.Path(".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if isExecutable(final) { // someone else built it while we waited
		return final, nil
	}
	tmp := final + ".building"
	_ = os.Remove(tmp)
	start := time.Now()
	fmt.Fprintf(log, "buildcache: building %s %s into %s (cold build, this takes minutes)\n", e.Name, e.Version, final)
	buildLog, err := os.Create(final + ".build.log")
	if err != nil {
		return "", err
	}
	defer buildLog.Close()
	if err := build(tmp, buildLog); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("build %s %s: %w", e.Name, e.Version, err)
	}
	if !isExecutable(tmp) {
		return "", fmt.Errorf("build %s %s: %s was not produced", e.Name, e.Version, tmp)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "buildcache: built %s %s in %s\n", e.Name, e.Version, time.Since(start).Round(time.Second))
	_ = os.WriteFile(e.Path(binary+".buildtime"), []byte(time.Since(start).Round(time.Second).String()+"\n"), 0o644)
	return final, nil
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Go runs the go command in dir with the module settings the backends need:
// outside any workspace, with go.mod updates allowed (the generated and
// copied modules are not ours to keep tidy). Output goes to log; on failure
// the error carries the last lines so a test failure explains itself.
func Go(dir string, log io.Writer, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var tail tailBuffer
	cmd.Stdout = io.MultiWriter(log, &tail)
	cmd.Stderr = io.MultiWriter(log, &tail)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s (in %s): %w\n%s", strings.Join(args, " "), dir, err, tail.String())
	}
	return nil
}

// ModuleDir downloads module@version through the module proxy and returns
// its read-only directory in the module cache.
func ModuleDir(module, version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("go mod download %s@%s: %w\n%s%s", module, version, err, out, ee.Stderr)
		}
		return "", err
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", module, version, err)
	}
	if m.Error != "" || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, m.Error)
	}
	return m.Dir, nil
}

// CopyTree copies the directory src to dst (which must not exist) with
// writable permissions, so a module from the read-only module cache can be
// edited and built.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// TestLog is a writer that sends each write to the test's log, for the
// progress lines of a build started from a test.
func TestLog(t testing.TB) io.Writer { return testLog{t} }

type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
