package rulesprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/vigil-sec/vigil/processor/rulesprocessor/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cases := []struct {
		name    string
		want    *Config
		wantErr string
	}{
		{name: "", want: createDefaultConfig()},
		{name: "custom", want: &Config{
			Files:           []string{"/etc/vigil/rules/falco_rules.yaml", "/etc/vigil/rules.d", "/etc/vigil/extra/*.yaml"},
			MinimumPriority: "notice",
			Selection: []SelectionStep{
				{Disable: &RuleSelector{Tag: "maturity_incubating"}},
				{Enable: &RuleSelector{Rule: "Read sensitive file*"}},
			},
			RuleMatching:    MatchAll,
			AppendOutput:    "evt_num=%evt.num",
			SuggestedOutput: false,
			Engine:          EngineRego,
			RegoFiles:       []string{"/etc/vigil/policies"},
			ReloadInterval:  10 * time.Second,
		}},
		{name: "bad_engine", wantErr: `engine: "wasm" is not one of native, rego`},
		{name: "bad_matching", wantErr: `rule_matching: "some" is not one of first, all`},
		{name: "bad_priority", wantErr: `minimum_priority: invalid priority "severe"`},
		{name: "bad_selection", wantErr: "selection[0]: select by rule or by tag, not both"},
		{name: "bad_glob", wantErr: `files[0]: bad glob pattern "/etc/[vigil"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := component.NewIDWithName(metadata.Type, tc.name)
			sub, err := cm.Sub(id.String())
			require.NoError(t, err)
			cfg := NewFactory().CreateDefaultConfig()
			require.NoError(t, sub.Unmarshal(cfg))
			err = confmap.Validate(cfg)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg)
		})
	}
}
