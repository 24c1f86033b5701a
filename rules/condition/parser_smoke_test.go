package condition

import "testing"

func TestParseSmoke(t *testing.T) {
	for _, in := range []string{
		`proc.name=bash and not fd.name in (a, "b c") or (x and y)`,
		`tolower(proc.name)[0] = toupper(basename(fd.name))`,
		`fd.num>=0x1F and proc.aname[2] in x`,
	} {
		e, err := Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		e2, err := Parse(String(e))
		if err != nil || !Equal(e, e2) {
			t.Fatalf("%q: round trip via %q failed: %v", in, String(e), err)
		}
	}
}
