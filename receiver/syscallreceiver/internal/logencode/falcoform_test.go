package logencode

import "testing"

// Golden values: what Falco 0.44 prints for the same process state.
func TestFalcoCwd(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/x/cwd":  "/tmp/x/cwd/",
		"/":           "/",
		"/tmp/x/cwd/": "/tmp/x/cwd/",
		"":            "",
		".../d58/d59": ".../d58/d59/",
	} {
		if got := falcoCwd(in); got != want {
			t.Errorf("falcoCwd(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFalcoExePath(t *testing.T) {
	for in, want := range map[string]string{
		"/memfd:program": "memfd:program",
		"/usr/bin/true":  "/usr/bin/true",
		"/tmp/memfd:x":   "/tmp/memfd:x",
	} {
		if got := falcoExePath(in); got != want {
			t.Errorf("falcoExePath(%q) = %q, want %q", in, got, want)
		}
	}
}
