// Package helmchart renders Helm charts for the end-to-end tests with
// helm's own Go library (e2e/tools/helmrender, pinned in the e2e/tools
// module and built once into the e2e cache), and decodes the manifests.
package helmchart

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-sec/vigil/e2e/buildcache"
	"github.com/vigil-sec/vigil/e2e/collector"
)

// Binary builds helmrender if the cache has no build of the current
// sources (about 7 minutes cold on 2 busy cores, seconds with the modules
// and the Go build cache warm) and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	return BuildTool(t, "helmrender", "./helmrender")
}

// BuildTool builds pkg of the e2e/tools module as name into the e2e cache,
// keyed by the module's go.mod and go.sum and the helmrender sources, and
// returns the binary's path.
func BuildTool(t testing.TB, name, pkg string) string {
	t.Helper()
	bin, err := BuildToolIn(collector.RepoRoot(t), buildcache.TestLog(t), name, pkg)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// BuildToolIn is BuildTool for the checkout at repoRoot, outside a test
// (CI's early build of the e2e backends).
func BuildToolIn(repoRoot string, log io.Writer, name, pkg string) (string, error) {
	src := filepath.Join(repoRoot, "e2e", "tools")
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum", filepath.Join("helmrender", "main.go")} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", err
		}
		h.Write(data)
	}
	e, err := buildcache.Open("e2e-tools", hex.EncodeToString(h.Sum(nil))[:16])
	if err != nil {
		return "", err
	}
	return e.Ensure(name, log, func(out string, blog io.Writer) error {
		return buildcache.Go(src, blog, "build", "-o", out, pkg)
	})
}

// Render renders chartDir with valuesFile as release name in namespace,
// and returns the decoded manifests in the chart's order. A values file the
// chart's schema refuses is an error carrying helm's message.
func Render(t testing.TB, chartDir, valuesFile, name, namespace string) ([]map[string]any, error) {
	t.Helper()
	cmd := exec.Command(Binary(t), "-chart", chartDir, "-values", valuesFile, "-name", name, "-namespace", namespace)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var objs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("decoding the rendered manifests: %w", err)
		}
		if obj != nil {
			objs = append(objs, obj)
		}
	}
	return objs, nil
}

// Find returns the rendered object of this kind (the first one).
func Find(objs []map[string]any, kind string) map[string]any {
	for _, o := range objs {
		if o["kind"] == kind {
			return o
		}
	}
	return nil
}
