package loki

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/buildcache"
	"github.com/vigil-sec/vigil/e2e/daemon"
	"github.com/vigil-sec/vigil/e2e/loopback"
)

// Server is a single-process Loki on 127.0.0.1.
type Server struct {
	// URL is the HTTP base, http://127.0.0.1:PORT. The collector's
	// otlp_http exporter sends to URL + "/otlp".
	URL string

	bin, dir, config string
	proc             *daemon.Process
}

// Start builds Loki if needed, starts it with a fresh data directory on free
// ports, waits until /ready says ready, and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Build(buildcache.TestLog(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	httpPort, grpcPort := loopback.FreePort(t), loopback.FreePort(t)
	s := &Server{
		URL:    fmt.Sprintf("http://127.0.0.1:%d", httpPort),
		bin:    bin,
		dir:    dir,
		config: filepath.Join(dir, "loki.yaml"),
	}
	if err := os.WriteFile(s.config, []byte(config(dir, httpPort, grpcPort)), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Restart(t)
	return s
}

// config is the minimal single-process configuration: in-memory ring,
// filesystem storage under dir, TSDB v13 schema, structured metadata on
// (OTLP attributes that are not index labels land there). The query path
// runs over loopback gRPC, whose 4 MiB default a query for 100 alerts can
// pass, because each entry carries all its structured metadata (ancestor
// command lines among it); the limit is raised as Loki's own integration
// tests do.
func config(dir string, httpPort, grpcPort int) string {
	return fmt.Sprintf(`auth_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: %d
  grpc_listen_address: 127.0.0.1
  grpc_listen_port: %d
  grpc_server_max_recv_msg_size: 67108864
  grpc_server_max_send_msg_size: 67108864
  log_level: warn
common:
  instance_addr: 127.0.0.1
  path_prefix: %[3]s/data
  storage:
    filesystem:
      chunks_directory: %[3]s/data/chunks
      rules_directory: %[3]s/data/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory
schema_config:
  configs:
    - from: 2020-10-24
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h
limits_config:
  allow_structured_metadata: true
  reject_old_samples: false
analytics:
  reporting_enabled: false
`, httpPort, grpcPort, dir)
}

// Stop stops Loki gracefully (it flushes what it holds in memory to the
// data directory), keeping the directory for Restart.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.proc.Stop(t); err != nil {
		t.Errorf("loki exited with %v\n%s", err, s.proc.Tail(30))
	}
}

// Restart starts Loki again on the same ports and data directory, and
// waits until it is ready (about 15 s: the ingester waits before joining
// the ring).
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.proc = daemon.Start(t, "loki", s.dir, s.bin, []string{"-config.file=" + s.config}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ready := func(status int, body []byte) bool {
		return status == http.StatusOK && strings.TrimSpace(string(body)) == "ready"
	}
	if err := loopback.WaitHTTP(ctx, nil, s.URL+"/ready", nil, ready, s.proc.Exited()); err != nil {
		t.Fatalf("%v\n%s", err, s.proc.Tail(40))
	}
}

// Entry is one log line returned by a query, with its stream's labels
// (index labels and structured metadata, as Loki merges them when the
// response is not asked to categorise them).
type Entry struct {
	Time   time.Time
	Line   string
	Labels map[string]string
}

// QueryRange runs a LogQL query over [start, end] and returns the entries
// oldest first.
func (s *Server) QueryRange(ctx context.Context, query string, start, end time.Time) ([]Entry, error) {
	q := url.Values{
		"query":     {query},
		"start":     {strconv.FormatInt(start.UnixNano(), 10)},
		"end":       {strconv.FormatInt(end.UnixNano(), 10)},
		"limit":     {"5000"},
		"direction": {"forward"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/loki/api/v1/query_range?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("query_range %q: HTTP %d: %s", query, resp.StatusCode, body)
	}
	var r struct {
		Data struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Stream map[string]string `json:"stream"`
				Values [][]string        `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("query_range %q: %w: %s", query, err, body)
	}
	if r.Data.ResultType != "streams" {
		return nil, fmt.Errorf("query_range %q: result type %q, want streams", query, r.Data.ResultType)
	}
	var out []Entry
	for _, st := range r.Data.Result {
		for _, v := range st.Values {
			if len(v) < 2 {
				return nil, fmt.Errorf("query_range %q: malformed value %v", query, v)
			}
			ns, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("query_range %q: timestamp %q: %w", query, v[0], err)
			}
			out = append(out, Entry{Time: time.Unix(0, ns), Line: v[1], Labels: st.Stream})
		}
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return a.Time.Compare(b.Time) })
	return out, nil
}
