// Package k8sattrs measures what the k8s_attributes processor costs per
// event when it runs in front of rules (issue 11: the enrichment rules need
// must come first). It is its own module because it imports the contrib
// processor, which the distribution builds but the vigil module does not
// depend on.
package k8sattrs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/k8sattributesprocessor"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/vigil-sec/vigil/e2e/kubeapi"
	"github.com/vigil-sec/vigil/internal/benchbatch"
	"github.com/vigil-sec/vigil/processor/rulesprocessor"
)

// fillerPods is how many other pods the apiserver holds besides the ones
// the batch's containers belong to, so the processor's pod cache is not
// trivially small.
const fillerPods = 200

// The k8s_attributes configuration of examples/ (kubernetes.yaml), with the
// apiserver's kubeconfig instead of the service account.
const k8sAttributesConfig = `
auth_type: kubeConfig
context: vigil-e2e
wait_for_metadata: true
wait_for_metadata_timeout: 60s
extract:
  metadata: [k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.container.name, container.image.name, container.image.tags]
pod_association:
  - sources:
      - from: resource_attribute
        name: container.id
  - sources:
      - from: resource_attribute
        name: k8s.pod.uid
`

// upstreamRules is Falco's stable rules file in the shared test data.
const upstreamRules = "../../../shared/falco-rules/falco_rules.yaml"

func rulesProcessor(b *testing.B, next consumer.Logs) processor.Logs {
	f := rulesprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*rulesprocessor.Config)
	cfg.Files = []string{upstreamRules}
	cfg.ReloadInterval = 0
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, next)
	if err != nil {
		b.Fatal(err)
	}
	start(b, p)
	return p
}

func k8sAttributes(b *testing.B, next consumer.Logs) processor.Logs {
	f := k8sattributesprocessor.NewFactory()
	cfg := f.CreateDefaultConfig()
	raw, err := confmap.NewRetrievedFromYAML([]byte(k8sAttributesConfig))
	if err != nil {
		b.Fatal(err)
	}
	conf, err := raw.AsConf()
	if err != nil {
		b.Fatal(err)
	}
	if err := conf.Unmarshal(cfg); err != nil {
		b.Fatal(err)
	}
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, next)
	if err != nil {
		b.Fatal(err)
	}
	start(b, p) // waits for the pod informer's first sync (wait_for_metadata)
	return p
}

func start(b *testing.B, p component.Component) {
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Shutdown(context.Background()) })
}

// BenchmarkK8sAttributesBeforeRules sends the rules benchmark's batch
// (1,000 receiver-shaped events, one ResourceLogs per process state, four
// containers and the host, 1% alerts with the upstream stable rules)
// through rules alone and through k8s_attributes then rules. The
// k8s_attributes processor watches a real kube-apiserver (the e2e
// harness's) holding the batch's four pods, matched by container.id, and
// fillerPods others. The difference between the two is what
// k8s_attributes in front of rules costs per event.
func BenchmarkK8sAttributesBeforeRules(b *testing.B) {
	cluster := kubeapi.Start(b)
	b.Setenv("KUBECONFIG", cluster.Kubeconfig)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for c := 1; c < benchbatch.Containers; c++ {
		if err := cluster.CreatePod(ctx, &kubeapi.Pod{Namespace: "bench", Name: fmt.Sprintf("app-%d", c), NodeName: "node-1",
			Labels: map[string]string{"app": "app"}, ContainerName: "app", Image: "registry.example.com/app:1.4.2",
			ContainerID: benchbatch.ContainerID(c), PodIP: fmt.Sprintf("10.244.0.%d", c)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < fillerPods; i++ {
		if err := cluster.CreatePod(ctx, &kubeapi.Pod{Namespace: "filler", Name: fmt.Sprintf("pod-%d", i), NodeName: "node-1",
			ContainerName: "c", Image: "registry.example.com/filler:1", ContainerID: fmt.Sprintf("%064x", 1000+i),
			PodIP: fmt.Sprintf("10.245.%d.%d", i/250, i%250+1)}); err != nil {
			b.Fatal(err)
		}
	}
	const events = 1000
	for _, v := range []string{"rules", "k8s_attributes+rules"} {
		b.Run(v, func(b *testing.B) {
			var first consumer.Logs = rulesProcessor(b, consumertest.NewNop())
			if v != "rules" {
				first = k8sAttributes(b, first)
			}
			// The batch is reused: after the first round the resources
			// already hold the pod attributes, which k8s_attributes then
			// looks up and writes again, as for every batch of a running
			// collector (each batch brings new resources).
			ld := benchbatch.Batch(events, 100)
			if err := first.ConsumeLogs(ctx, ld); err != nil {
				b.Fatal(err)
			}
			if n := podsNamed(ld); v != "rules" && n != benchbatch.Containers-1 {
				b.Fatalf("k8s_attributes named the pods of %d containers, want %d", n, benchbatch.Containers-1)
			}
			benchbatch.Measure(b, events, func() error { return first.ConsumeLogs(ctx, ld) })
			// k8s_attributes works once per ResourceLogs (process state).
			b.ReportMetric(float64(ld.ResourceLogs().Len()), "resources/batch")
		})
	}
}

// podsNamed counts the containers whose resources k8s_attributes gave the
// right pod name (app-N for container N).
func podsNamed(ld plog.Logs) int {
	named := map[string]bool{}
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		a := ld.ResourceLogs().At(i).Resource().Attributes()
		id, ok := a.Get("container.id")
		if !ok {
			continue
		}
		for c := 1; c < benchbatch.Containers; c++ {
			if pod, ok := a.Get("k8s.pod.name"); ok && id.Str() == benchbatch.ContainerID(c) && pod.Str() == fmt.Sprintf("app-%d", c) {
				named[id.Str()] = true
			}
		}
	}
	return len(named)
}
