package e2e

import (
	"path/filepath"
	"testing"

	"github.com/vigil-sec/vigil/e2e/collector"
)

// TestExamplesValidate: every configuration in examples/ is accepted by the
// built distribution (`vigil validate`): component names, keys and values
// all check out against the components actually compiled in.
func TestExamplesValidate(t *testing.T) {
	root := collector.RepoRoot(t)
	configs, err := filepath.Glob(filepath.Join(root, "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// examples/k8s-audit.yaml loads Falco's k8s audit rules from there.
	t.Setenv("VIGIL_RULES_DIR", filepath.Join(root, "..", "shared", "falco-rules"))
	if len(configs) < 6 {
		t.Fatalf("found only %d example configurations: %v", len(configs), configs)
	}
	for _, path := range configs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			if err := collector.Validate(t, path); err != nil {
				t.Fatal(err)
			}
		})
	}
}
