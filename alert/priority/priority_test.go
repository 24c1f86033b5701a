package priority

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]Priority{
		"EMERGENCY": Emergency, "alert": Alert, "Critical": Critical, "error": Error,
		"WARNING": Warning, "notice": Notice, "informational": Informational,
		"INFO": Informational, "info": Informational, " Debug ": Debug,
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "warn", "informative", "crit"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func TestSpellingAndSeverity(t *testing.T) {
	want := []struct {
		text string
		sev  int32
	}{{"Emergency", 21}, {"Alert", 19}, {"Critical", 18}, {"Error", 17}, {"Warning", 13}, {"Notice", 10}, {"Informational", 9}, {"Debug", 5}}
	for p := Emergency; p <= Debug; p++ {
		if p.String() != want[p].text || p.SeverityNumber() != want[p].sev {
			t.Errorf("%d: got %s/%d, want %s/%d", p, p, p.SeverityNumber(), want[p].text, want[p].sev)
		}
	}
}
