package k8sauditreceiver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
)

// benchBatch is an EventList of n events in the proportions of a busy
// cluster's Metadata-level traffic: mostly gets, lists and lease updates by
// system users (which the rules reject on the typed attributes), plus pod
// creates carrying their request object (which send the rules into the
// JSON) and execs.
func benchBatch(t testing.TB, n, every int) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[`)
	items := handmadeItems(t)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		id := fmt.Sprintf("bench-%08d", i)
		switch k := i % every; {
		case k == 0: // a pod create with its request object
			b.WriteString(strings.Replace(items[0], "6b3c1a52-0d4e-4f5b-9a57-3c1f0e1d2a01", id, 1))
		case k == 1: // an exec
			b.WriteString(strings.Replace(items[1], "6b3c1a52-0d4e-4f5b-9a57-3c1f0e1d2a02", id, 1))
		case k%5 == 2 || k%5 == 3:
			fmt.Fprintf(&b, `{"level":"Metadata","auditID":"%s","stage":"ResponseComplete","requestURI":"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler","verb":"update","user":{"username":"system:kube-scheduler","groups":["system:authenticated"]},"sourceIPs":["10.0.0.2"],"userAgent":"kube-scheduler/v1.36.3","objectRef":{"resource":"leases","namespace":"kube-system","name":"kube-scheduler","uid":"1f0e","apiGroup":"coordination.k8s.io","apiVersion":"v1","resourceVersion":"12345"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-12-02T07:00:00.100000Z","stageTimestamp":"2026-12-02T07:00:00.102000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"system:kube-scheduler\" of ClusterRole \"system:kube-scheduler\" to User \"system:kube-scheduler\""}}`, id)
		default:
			fmt.Fprintf(&b, `{"level":"Metadata","auditID":"%s","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/team-%d/configmaps?limit=500","verb":"list","user":{"username":"system:serviceaccount:team-%d:app","groups":["system:serviceaccounts","system:serviceaccounts:team-%d","system:authenticated"]},"sourceIPs":["10.1.%d.7"],"userAgent":"app/1.0","objectRef":{"resource":"configmaps","namespace":"team-%d","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-12-02T07:00:00.100000Z","stageTimestamp":"2026-12-02T07:00:00.104000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"app\" of Role \"reader\""}}`, id, i%7, i%7, i%7, i%200, i%7)
		}
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// handmadeItems are the items of testdata/handmade-eventlist.json as text.
func handmadeItems(t testing.TB) []string {
	s := string(readTestdata(t, "handmade-eventlist.json"))
	s = s[strings.Index(s, `"items":[`)+len(`"items":[`):]
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "]}"))
	parts := strings.SplitN(s, "},\n{", 2)
	return []string{parts[0] + "}", "{" + parts[1]}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWebhookRules posts 400-event batches through the receiver and
// the rules processor with the 48 upstream audit rules (alerts go to a
// sink that drops them) and reports throughput per CPU core (process CPU
// time, the HTTP client's included), allocations per event and the
// latency percentiles of one batch.
func BenchmarkWebhookRules(b *testing.B) {
	// Every 10th event a privileged pod create and every 10th an exec
	// (20% of events raise alerts), or 1 in 50 each (4%).
	for _, every := range []int{10, 50} {
		b.Run(fmt.Sprintf("alerting=%d%%", 200/every), func(b *testing.B) { benchWebhookRules(b, every) })
	}
}

func benchWebhookRules(b *testing.B, every int) {
	const n = 400
	body := benchBatch(b, n, every)
	sink := consumertest.NewNop()
	url := startReceiver(b, newRulesProcessor(b, sink, false, upstreamAuditRules(b)), nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	send := func() {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	for i := 0; i < 20; i++ {
		send()
	}
	lat := make([]time.Duration, 0, b.N)
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		send()
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&ms1)
	events := float64(b.N * n)
	b.ReportMetric(events/cpu.Seconds(), "events/s/core")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/events, "allocs/event")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/events, "B/event")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs/batch")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs/batch")
}
