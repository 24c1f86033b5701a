// Package otlpsink is an OTLP logs receiver (gRPC, and HTTP with
// protobuf) inside the test process: the collector under test exports to
// it, and the test reads what arrived.
package otlpsink

import (
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/grpc"
	// The collector's otlp_grpc exporter compresses with gzip by default.
	_ "google.golang.org/grpc/encoding/gzip"
)

// Record is one received log record with its resource.
type Record struct {
	Resource pcommon.Resource
	Log      plog.LogRecord
}

// Sink collects every log record exported to it.
type Sink struct {
	// Endpoint is host:port for the collector's otlp_grpc exporter.
	Endpoint string
	// HTTPURL is the base URL for the collector's otlp_http exporter
	// (which posts to HTTPURL/v1/logs).
	HTTPURL string

	plogotlp.UnimplementedGRPCServer
	mu      sync.Mutex
	records []Record
	changed chan struct{}
}

// Start listens on a free 127.0.0.1 port and stops when the test ends.
func Start(t testing.TB) *Sink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Sink{Endpoint: l.Addr().String(), changed: make(chan struct{})}
	srv := grpc.NewServer()
	plogotlp.RegisterGRPCServer(srv, s)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.HTTPURL = "http://" + hl.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/logs", s.serveHTTP)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(hl) }()
	t.Cleanup(func() { hs.Close() })
	return s
}

// serveHTTP is OTLP/HTTP with protobuf bodies, gzip-compressed or not
// (the otlp_http exporter's defaults).
func (s *Sink) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := plogotlp.NewExportRequest()
	if err := req.UnmarshalProto(data); err != nil {
		http.Error(w, "OTLP/HTTP: only protobuf bodies: "+err.Error(), http.StatusBadRequest)
		return
	}
	resp, _ := s.Export(r.Context(), req)
	out, err := resp.MarshalProto()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// Export implements the OTLP logs service.
func (s *Sink) Export(_ context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	ld := plog.NewLogs()
	req.Logs().CopyTo(ld) // the request's memory is not ours after return
	s.mu.Lock()
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			lrs := rl.ScopeLogs().At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				s.records = append(s.records, Record{Resource: rl.Resource(), Log: lrs.At(k)})
			}
		}
	}
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return plogotlp.NewExportResponse(), nil
}

// Records returns the records received so far matching keep (all when nil).
func (s *Sink) Records(keep func(Record) bool) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Record
	for _, r := range s.records {
		if keep == nil || keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// WaitFor waits up to timeout until at least n records match keep, and
// returns the matching records (possibly fewer, when the time ran out).
func (s *Sink) WaitFor(timeout time.Duration, n int, keep func(Record) bool) []Record {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		got := s.Records(keep)
		if len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline:
			return got
		}
	}
}
