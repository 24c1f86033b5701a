package procstate

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// The exec-strings cache gives what splitting each section afresh gives,
// for every section kind, cut or not, on a miss and on the hits after it,
// and shares the strings between execs with the same bytes.
func TestExecTextsMatchSplitting(t *testing.T) {
	var c execTexts
	sections := []event.Section{
		{Type: event.SecArgv, Data: []byte("/bin/true\x00")},
		{Type: event.SecArgv, Data: []byte("sh\x00-c\x00echo hi\x00")},
		{Type: event.SecArgv, Data: []byte("sh\x00-c\x00echo hi\x00"), Truncated: true},
		{Type: event.SecArgv, Data: []byte("a\x00\x00b\x00")},
		{Type: event.SecArgv},
		{Type: event.SecEnv, Data: []byte("PATH=/usr/bin\x00HOME=/root\x00")},
		{Type: event.SecEnv, Data: []byte("sh\x00-c\x00echo hi\x00")}, // same bytes as an argv
		{Type: event.SecEnv, Data: []byte("\x00\x00")},
		{Type: event.SecEnv},
	}
	for round := 0; round < 3; round++ {
		for _, s := range sections {
			want := SplitNUL(s.Data, nil)
			if s.Type == event.SecArgv {
				want = SectionArgs(s, nil)
			}
			if got := c.list(s); !slices.Equal(got, want) {
				t.Fatalf("round %d: list(%q, truncated %v) = %q, want %q", round, s.Data, s.Truncated, got, want)
			}
		}
	}
	a := c.list(sections[1])
	b := c.list(event.Section{Type: event.SecArgv, Data: []byte("sh\x00-c\x00echo hi\x00")})
	if &a[0] != &b[0] {
		t.Error("two execs with the same argv did not share its strings")
	}

	paths := []event.Section{
		{Type: event.SecExe, Data: []byte("true\x00bin\x00usr\x00")},
		{Type: event.SecCwd, Data: []byte("true\x00bin\x00usr\x00")},
		{Type: event.SecCwd, Data: []byte("true\x00bin\x00usr\x00"), Truncated: true},
		{Type: event.SecCwd},
	}
	for round := 0; round < 3; round++ {
		for _, s := range paths {
			if got, want := c.path(s), string(appendSectionPath(nil, s)); got != want {
				t.Fatalf("round %d: path(%q, truncated %v) = %q, want %q", round, s.Data, s.Truncated, got, want)
			}
		}
	}
}

// A collision replaces the slot: every one of many distinct sections,
// more than the cache holds, still reads back as itself.
func TestExecTextsCollisions(t *testing.T) {
	var c execTexts
	for round := 0; round < 2; round++ {
		for i := 0; i < 3*execSlots; i++ {
			arg := strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
			s := event.Section{Type: event.SecArgv, Data: []byte("prog\x00" + arg + "\x00")}
			if got := c.list(s); !slices.Equal(got, []string{"prog", arg}) {
				t.Fatalf("list = %q, want [prog %s]", got, arg)
			}
		}
	}
}
