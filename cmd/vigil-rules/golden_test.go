package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden instead of comparing with them")

// golden runs vigil-rules with args and compares its exit code and stdout
// with testdata/golden/NAME (regenerate with go test -run Golden -update and
// review the diff).
func golden(t *testing.T, name string, wantCode int, args ...string) {
	t.Helper()
	code, out, errOut := runCmd(args...)
	if code != wantCode {
		t.Fatalf("vigil-rules %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, code, wantCode, out, errOut)
	}
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if out != string(want) {
		t.Errorf("vigil-rules %v: output differs from %s (rerun with -update and review the diff)\ngot:\n%s\nwant:\n%s", args, path, out, want)
	}
}

const stableRules = "../../../shared/falco-rules/falco_rules.yaml"
const incubatingRules = "../../../shared/falco-rules/falco-incubating_rules.yaml"

func TestGoldenTest(t *testing.T) {
	golden(t, "test_events.txt", 0, "test", stableRules, "--events", "testdata/events.yaml", "--all")
	golden(t, "test_expect_fail.txt", 1, "test", stableRules, "--expect", "testdata/expect_fail.yaml")
}

func TestGoldenExplain(t *testing.T) {
	golden(t, "explain_fired.txt", 0, "explain", stableRules, "--rule", "Read sensitive file untrusted", "--event", "testdata/events.yaml:1")
	golden(t, "explain_not_fired.txt", 0, "explain", stableRules, "--rule", "Read sensitive file untrusted", "--event", "testdata/events.yaml:2")
	golden(t, "explain_other_source.txt", 0, "explain", stableRules, "--rule", "Read sensitive file untrusted", "--event", "testdata/events.yaml:3")
}

// capture-cat-shadow.json is a real capture: bin/vigil with
// examples/capture.yaml (syscalls [execve, openat], process cat) while
// `env -i PATH=/usr/bin:/bin LANG=C bash -c 'cat /etc/shadow > /dev/null'`
// ran; kept: that cat's records, with its ancestry cut to the parent (the
// ancestors above it described the machine the capture ran on).
func TestGoldenCapturedShadow(t *testing.T) {
	const capture = "testdata/capture-cat-shadow.json"
	golden(t, "capture_test.txt", 0, "test", stableRules, "--events", capture, "--all")
	golden(t, "capture_explain_fired.txt", 0, "explain", stableRules, "--rule", "Read sensitive file untrusted", "--event", capture+":4")
	golden(t, "capture_explain_not_fired.txt", 0, "explain", stableRules, "--rule", "Read sensitive file trusted after startup", "--event", capture+":4")
}

func TestGoldenLint(t *testing.T) {
	golden(t, "lint_fixture.txt", 0, "lint", "testdata/lint/base.yaml", "testdata/lint/site.yaml")
	golden(t, "lint_upstream.txt", 0, "lint", stableRules, incubatingRules,
		"../../rules/default/vigil-base.yaml", "../../rules/default/vigil-files.yaml",
		"../../rules/default/vigil-process.yaml", "../../rules/default/vigil-system.yaml")
}

// TestDefaultRulesetExpectations runs the default ruleset's own tests file,
// in the format users write theirs in.
func TestDefaultRulesetExpectations(t *testing.T) {
	dir := filepath.Join("..", "..", "rules", "default")
	files, err := filepath.Glob(filepath.Join(dir, "vigil-*.yaml"))
	if err != nil || len(files) < 4 {
		t.Fatalf("default rules files: %v %v", files, err)
	}
	args := append(append([]string{"test"}, files...), "--expect", filepath.Join(dir, "testdata", "vigil-default_tests.yaml"))
	code, out, errOut := runCmd(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	t.Log(out[max(0, len(out)-40):])
}
