// Package loopback gives end-to-end tests what they need to run servers on
// 127.0.0.1: free ports, and a way to wait until a server answers.
package loopback

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// FreePort returns a TCP port on 127.0.0.1 that nothing listened on a
// moment ago. A server started right after gets it unless another process
// races for it, which on a test machine is rare enough.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Ready reports whether a response means the server is ready.
type Ready func(status int, body []byte) bool

// StatusOK is ready on HTTP 200.
func StatusOK(status int, _ []byte) bool { return status == http.StatusOK }

// WaitHTTP polls url with client (nil: a plain client) until ready says so,
// the context ends, or exited (if not nil) is closed because the server
// process died. The error carries the last answer seen.
func WaitHTTP(ctx context.Context, client *http.Client, url string, header http.Header, ready Ready, exited <-chan struct{}) error {
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	last := "no answer yet"
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if ready(resp.StatusCode, body) {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w (last answer: %s)", url, ctx.Err(), last)
		case <-exited:
			return fmt.Errorf("%s: the server exited before it was ready (last answer: %s)", url, last)
		case <-tick.C:
		}
	}
}
