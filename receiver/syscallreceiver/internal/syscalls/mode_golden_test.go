package syscalls

import "testing"

// Golden values: Falco prints mode flags lowest bit first.
func TestModeFlagsInFalcoOrder(t *testing.T) {
	for v, want := range map[uint64]string{
		0o4600: "S_IWUSR|S_IRUSR|S_ISUID",
		0o755:  "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR",
		0o2000: "S_ISGID",
	} {
		if got := string(Mode.AppendFlags(nil, v)); got != want {
			t.Errorf("mode %o = %q, want %q", v, got, want)
		}
	}
}
