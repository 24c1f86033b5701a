package event

import "testing"

func TestAppendPath(t *testing.T) {
	for _, tc := range []struct{ comps, want string }{
		{"cat\x00bin\x00usr\x00", "/usr/bin/cat"},
		{"", "/"},
		{"tmp\x00", "/tmp"},
		{"scope\x00slice\x00", "/slice/scope"},
	} {
		if got := string(AppendPath(nil, []byte(tc.comps))); got != tc.want {
			t.Errorf("AppendPath(%q) = %q, want %q", tc.comps, got, tc.want)
		}
	}
	if got := Components([]byte("c\x00b\x00a\x00")); len(got) != 3 || got[0] != "a" || got[2] != "c" {
		t.Errorf("Components = %q", got)
	}
}
