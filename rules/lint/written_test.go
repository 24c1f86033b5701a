package lint

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The syscall receiver's README documents every attribute it writes; the
// lint's list must say the same, or dead-exception findings would be wrong.
func TestSyscallKeysMatchReceiverREADME(t *testing.T) {
	b, err := os.ReadFile("../../receiver/syscallreceiver/README.md")
	if err != nil {
		t.Fatal(err)
	}
	var doc []string
	row := regexp.MustCompile("^\\| (`[^|]*`) \\|")
	// only the attribute tables ("| key | Falco field(s) | ..."): the
	// README's other tables (config keys, differences from Falco) name
	// config keys and Falco fields in their first column
	inAttrs := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case !strings.HasPrefix(line, "|"):
			inAttrs = false
		case strings.HasPrefix(line, "| key | Falco field"):
			inAttrs = true
		}
		m := row.FindStringSubmatch(line)
		if m == nil || !inAttrs {
			continue
		}
		for _, k := range strings.Split(m[1], ",") {
			k = strings.Trim(strings.TrimSpace(k), "`")
			if i := strings.Index(k, "<"); i > 0 {
				k = k[:i] // a prefix key: vigil.evt.arg.<name>
			}
			if strings.Contains(k, ".") {
				doc = append(doc, k)
			}
		}
	}
	var ours []string
	for _, k := range syscallKeys {
		ours = append(ours, k.Name)
	}
	slices.Sort(doc)
	doc = slices.Compact(doc)
	slices.Sort(ours)
	if !slices.Equal(doc, ours) {
		t.Errorf("README attributes:\n%v\nlint's syscall keys:\n%v", doc, ours)
	}
}
