package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

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

// TestHelmValuesValidate: the collector configuration in
// examples/helm/values.yaml, as the chart renders it once its own defaults
// are removed by the nulls, is valid for the distribution.
func TestHelmValuesValidate(t *testing.T) {
	root := collector.RepoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "examples", "helm", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		Mode    string `yaml:"mode"`
		Command struct{ Name string }
		Config  map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &values); err != nil {
		t.Fatal(err)
	}
	if values.Mode != "daemonset" || values.Command.Name != "vigil" {
		t.Fatalf("mode = %q, command.name = %q; want daemonset and vigil", values.Mode, values.Command.Name)
	}
	cfg := dropNulls(values.Config)
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "relay.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MY_POD_IP", "127.0.0.1")       // set by the chart
	t.Setenv("KUBE_NODE_NAME", "e2e-node-1") // set by our extraEnvs
	if err := collector.Validate(t, path); err != nil {
		t.Fatalf("%v\nrendered config:\n%s", err, out)
	}
}

// dropNulls removes map entries whose value is null, as Helm does when it
// merges values over the chart's defaults.
func dropNulls(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			continue
		case map[string]any:
			out[k] = dropNulls(x)
		default:
			out[k] = v
		}
	}
	return out
}
