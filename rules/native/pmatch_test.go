package native

import "testing"

func TestPathSetAgreesWithPathUnder(t *testing.T) {
	paths := []string{"/opt/dir", "/opt/*/sub", "/etc/", "/", "/var/log/*.log", "/a/[bc]/d"}
	inputs := []string{"/opt/dir", "/opt/dir/x", "/opt/dirx", "/opt/x/sub/y", "/opt/x/subx", "/etc", "/etcx",
		"/var/log/syslog.log", "/var/log/a/b.log", "/a/b/d/e", "/a/d/d", "relative/x", ""}
	for _, p := range paths {
		set := newPathSet([]string{p})
		for _, in := range inputs {
			if set.has(in) != pathUnder(in, p) {
				t.Errorf("pattern %q, path %q: set %v, pathUnder %v", p, in, set.has(in), pathUnder(in, p))
			}
		}
	}
}
