package falcojsonexporter

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// sidekick is an HTTP server that accepts alerts on the terms falcosidekick
// sets for its input (shared/spec/falco-output-format.md §5): POST with a
// body, decoded with UseNumber; priority one of Falco's (any case, "info"
// too); rule non-empty; time RFC 3339 and set; output_fields non-empty.
// Anything else is a 400. A script can make given requests fail with
// another status first, to exercise retries.
type sidekick struct {
	*httptest.Server

	mu       sync.Mutex
	script   []int // statuses for the next requests; 0 = judge the alert
	requests int
	headers  []http.Header
	accepted [][]byte
	rejected [][]byte
	ctypes   []string
}

func newSidekick(t *testing.T) *sidekick {
	s := &sidekick{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle)) // listens on 127.0.0.1
	t.Cleanup(s.Close)
	return s
}

// sidekickPriorities are the spellings falcosidekick's priority type knows.
var sidekickPriorities = map[string]bool{
	"emergency": true, "alert": true, "critical": true, "error": true,
	"warning": true, "notice": true, "informational": true, "info": true, "debug": true,
}

func (s *sidekick) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.ctypes = append(s.ctypes, r.Header.Get("Content-Type"))
	s.headers = append(s.headers, r.Header.Clone())
	if len(s.script) > 0 {
		code := s.script[0]
		s.script = s.script[1:]
		if code != 0 {
			http.Error(w, "try later", code)
			return
		}
	}
	if r.Method != http.MethodPost {
		http.Error(w, "Please send with post http method", http.StatusBadRequest)
		return
	}
	if len(body) == 0 {
		http.Error(w, "Please send a valid request body", http.StatusBadRequest)
		return
	}
	var p struct {
		Output       string         `json:"output"`
		Priority     string         `json:"priority"`
		Rule         string         `json:"rule"`
		Time         time.Time      `json:"time"`
		OutputFields map[string]any `json:"output_fields"`
		Source       string         `json:"source"`
		Tags         []string       `json:"tags,omitempty"`
		Hostname     string         `json:"hostname,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil ||
		!sidekickPriorities[strings.ToLower(p.Priority)] || p.Rule == "" || p.Time.IsZero() || len(p.OutputFields) == 0 {
		s.rejected = append(s.rejected, body)
		http.Error(w, "Please send a valid request body", http.StatusBadRequest)
		return
	}
	s.accepted = append(s.accepted, body)
	w.WriteHeader(http.StatusOK)
}

// answer scripts the next requests: a status to fail with, or 0 to judge
// the alert as usual.
func (s *sidekick) answer(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, codes...)
}

type sidekickStats struct {
	requests           int
	accepted, rejected [][]byte
	ctypes             []string
	headers            []http.Header
}

func (s *sidekick) stats() sidekickStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sidekickStats{
		requests: s.requests,
		accepted: append([][]byte(nil), s.accepted...),
		rejected: append([][]byte(nil), s.rejected...),
		ctypes:   append([]string(nil), s.ctypes...),
		headers:  append([]http.Header(nil), s.headers...),
	}
}
