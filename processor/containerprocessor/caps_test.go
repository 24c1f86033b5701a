package containerprocessor

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/vigil-sec/vigil/internal/sensorcaps"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/metadata"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/syscallcaps"
	"github.com/vigil-sec/vigil/rules"
)

// With this processor in the collector, the upstream rules that read
// container and pod fields are no longer reported as dead; without it (or
// after its shutdown) they are.
func TestOfferedFieldsReachUpstreamContainerRules(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "falco-rules")
	rs, err := rules.LoadFiles(rules.Options{}, filepath.Join(shared, "falco_rules.yaml"), filepath.Join(shared, "falco-incubating_rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	receiver := rules.Sensor{Source: syscallcaps.Source, Keys: syscallcaps.Keys(), Syscalls: syscallcaps.Syscalls()}
	sensors := func() []rules.Sensor {
		out := []rules.Sensor{receiver}
		for _, c := range sensorcaps.All() {
			if c.Source == syscallcaps.Source && slices.Equal(c.Keys, writtenKeys) {
				out = append(out, rules.Sensor{Source: c.Source, Keys: c.Keys})
			}
		}
		return out
	}
	before := rs.Unreachable(sensors())
	if len(before) == 0 {
		t.Fatal("without the container processor no rule is reported dead; the test proves nothing")
	}

	cfg := createDefaultConfig()
	set := processortest.NewNopSettings(metadata.Type)
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if dead := rs.Unreachable(sensors()); len(dead) != 0 {
		t.Errorf("with the container processor, %d reasons remain, first: %s", len(dead), dead[0])
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := rs.Unreachable(sensors()); len(after) != len(before) {
		t.Errorf("after shutdown %d reasons, want %d as before", len(after), len(before))
	}
}
