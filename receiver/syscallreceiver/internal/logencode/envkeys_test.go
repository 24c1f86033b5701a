package logencode

import (
	"strconv"
	"testing"

	"github.com/vigil-sec/vigil/eventattr"
)

// Each key is the prefix and the name, whether made or remembered, also
// past the bound.
func TestEnvKeys(t *testing.T) {
	var c envKeys
	for round := 0; round < 2; round++ {
		for i := 0; i < maxEnvKeys+10; i++ {
			name := "VAR" + strconv.Itoa(i)
			if got := c.key(name); got != eventattr.ProcEnvPrefix+name {
				t.Fatalf("key(%q) = %q", name, got)
			}
		}
	}
	if len(c) != maxEnvKeys {
		t.Errorf("%d keys kept, want the bound %d", len(c), maxEnvKeys)
	}
}
