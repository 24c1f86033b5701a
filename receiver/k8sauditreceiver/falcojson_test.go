package k8sauditreceiver

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/vigil-sec/vigil/exporter/falcojsonexporter"
)

// Audit alerts leave the falcojson exporter as Falco writes them for its
// k8s_audit source: "source":"k8s_audit" and the ka.* output fields.
func TestFalcoJSONOfAuditAlerts(t *testing.T) {
	out := filepath.Join(t.TempDir(), "alerts.json")
	f := falcojsonexporter.NewFactory()
	cfg := f.CreateDefaultConfig().(*falcojsonexporter.Config)
	cfg.Path = out
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	exp, err := f.CreateLogs(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	url := startReceiver(t, newRulesProcessor(t, exp, false, upstreamAuditRules(t)), nil)
	if code, msg, _ := post(t, url, readTestdata(t, "handmade-eventlist.json")); code != 200 {
		t.Fatalf("%d %s", code, msg)
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a struct {
			Rule, Source, Output string
			OutputFields         map[string]any `json:"output_fields"`
			Time                 time.Time
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if a.Source != "k8s_audit" {
			t.Errorf("%s: source %q", a.Rule, a.Source)
		}
		if a.Rule == "Create Privileged Pod" {
			found = true
			if a.OutputFields["ka.user.name"] != "admin" || a.OutputFields["ka.target.namespace"] != "default" ||
				!a.Time.Equal(time.Date(2026, 12, 2, 7, 0, 0, 234567000, time.UTC)) {
				t.Errorf("alert %+v", a)
			}
		}
	}
	if !found {
		t.Errorf("no Create Privileged Pod alert in\n%s", data)
	}
}
