package containerprocessor

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/containercache"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/metadatatest"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/runtimes"
)

// k8sContainer is a container as a Kubernetes node's containerd reports
// it: CRI labels, a handful of mounts.
func k8sContainer(i int) *runtimes.Container {
	id := fmt.Sprintf("%064x", i+1)
	c := &runtimes.Container{
		ID: id, Name: "nginx", Runtime: "containerd",
		ImageRef: "docker.io/library/nginx:1.27", ImageRepo: "docker.io/library/nginx", ImageTag: "1.27",
		ImageDigest: "sha256:" + id, ImageID: "sha256:" + id,
		Labels: map[string]string{
			"io.kubernetes.pod.name": fmt.Sprintf("web-%d", i), "io.kubernetes.pod.namespace": "shop",
			"io.kubernetes.pod.uid": "0b5e2c7e-0000-4000-8000-000000000001", "io.kubernetes.container.name": "nginx",
			"io.cri-containerd.kind": "container",
		},
		PodName: fmt.Sprintf("web-%d", i), PodNamespace: "shop", PodUID: "0b5e2c7e-0000-4000-8000-000000000001", K8sContainerName: "nginx",
		StartNs: time.Now().UnixNano(),
	}
	defer c.Prepare(eventattr.ContainerLabelPrefix)
	for _, d := range []string{"/etc/hosts", "/dev/termination-log", "/etc/hostname", "/etc/resolv.conf", "/var/run/secrets/kubernetes.io/serviceaccount"} {
		c.Mounts = append(c.Mounts, runtimes.Mount{Source: "/var/lib/kubelet/pods/0b5e2c7e/volumes" + d, Dest: d, Mode: "rbind,rprivate,rw", RW: true, Propagation: "rprivate"})
	}
	return c
}

// BenchmarkCacheMemory reports the heap held per cached container.
func BenchmarkCacheMemory(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		c := containercache.New(2*n, time.Minute, time.Minute)
		for j := 0; j < n; j++ {
			c.Put(k8sContainer(j))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/container")
		runtime.KeepAlive(c)
	}
}

// BenchmarkProcessLogs is the processor's cost on a batch of the shape the
// syscall receiver sends: 64 Resources (process states) of 8 containers,
// 16 records each, every container cached. ns/record is what it adds per
// event.
func BenchmarkProcessLogs(b *testing.B) {
	tt := componenttest.NewTelemetry()
	defer tt.Shutdown(context.Background())
	cfg := createDefaultConfig()
	cfg.Discover = false
	p, err := newContainerProcessor(metadatatest.NewSettings(tt), cfg)
	if err != nil {
		b.Fatal(err)
	}
	for j := 0; j < 8; j++ {
		p.cache.Put(k8sContainer(j))
	}
	batch := func() plog.Logs {
		ld := plog.NewLogs()
		for r := 0; r < 64; r++ {
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr(eventattr.ContainerID, fmt.Sprintf("%064x", r%8+1))
			rl.Resource().Attributes().PutInt("process.pid", int64(r))
			recs := rl.ScopeLogs().AppendEmpty().LogRecords()
			for k := 0; k < 16; k++ {
				recs.AppendEmpty().Body().SetStr("openat")
			}
		}
		return ld
	}
	batches := make([]plog.Logs, b.N)
	for i := range batches {
		batches[i] = batch()
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.processLogs(ctx, batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64*16), "ns/record")
}
