package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/collector"
)

// TestThirdPartyOCBBuild: a platform team's own OCB manifest
// (examples/ocb/builder-config.yaml) that lists Vigil's three components by
// module path next to upstream ones builds with the builder pinned in our
// go.mod, and the result accepts examples/ocb/config.yaml.
//
// The builder's own module step runs `go mod tidy`, which also resolves the
// test-only imports of every component's dependencies; some of those are not
// in the module proxy this project builds from (see the README), so, as for
// our own distribution (make distro-mod), the builder's go.mod is completed
// with `go mod tidy -e` and compiled with `go build`.
func TestThirdPartyOCBBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a collector")
	}
	root := collector.RepoRoot(t)
	manifest, err := os.ReadFile(filepath.Join(root, "examples", "ocb", "builder-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "build")
	text := string(manifest)
	for old, repl := range map[string]string{
		"output_path: ./_build":                  "output_path: " + out,
		"github.com/vigil-sec/vigil => ../../..": "github.com/vigil-sec/vigil => " + root,
	} {
		if !strings.Contains(text, old) {
			t.Fatalf("examples/ocb/builder-config.yaml no longer contains %q", old)
		}
		text = strings.Replace(text, old, repl, 1)
	}
	cfg := filepath.Join(t.TempDir(), "builder-config.yaml")
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	run := func(dir string, env []string, name string, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, buf.String())
		}
		t.Logf("%s %s: %s", name, strings.Join(args[:min(len(args), 2)], " "), time.Since(start).Round(time.Second))
	}
	// The builder writes go.mod and the sources, then fails in its own
	// `go mod tidy` (see above); what it wrote is complete enough for
	// `go mod tidy -e`.
	builder := exec.CommandContext(ctx, "go", "tool", "builder", "--config", cfg, "--skip-compilation")
	builder.Dir = root
	if msg, err := builder.CombinedOutput(); err != nil {
		t.Logf("builder (its module step is expected to fail on this proxy): %v", err)
		if _, statErr := os.Stat(filepath.Join(out, "go.mod")); statErr != nil {
			t.Fatalf("the builder wrote no go.mod: %v\n%s", err, msg)
		}
	}
	run(out, nil, "go", "mod", "tidy", "-e")
	bin := filepath.Join(out, "otelcol-with-vigil")
	run(out, []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")

	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("third-party build: %.1f MB", float64(st.Size())/1e6)

	components, err := exec.CommandContext(ctx, bin, "components").CombinedOutput()
	if err != nil {
		t.Fatalf("components: %v\n%s", err, components)
	}
	for _, name := range []string{"syscall", "rules", "falcojson", "otlp", "batch", "debug", "otlp_http"} {
		if !bytes.Contains(components, []byte("name: "+name+"\n")) {
			t.Errorf("components of the third-party build lack %s:\n%s", name, components)
		}
	}
	validate := exec.CommandContext(ctx, bin, "validate", "--config", filepath.Join(root, "examples", "ocb", "config.yaml"))
	if msg, err := validate.CombinedOutput(); err != nil {
		t.Fatalf("validate examples/ocb/config.yaml: %v\n%s", err, msg)
	}
}
