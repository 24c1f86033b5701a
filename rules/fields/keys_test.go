package fields_test

import (
	"testing"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Every key the fields read is in the attribute contract, and the fields
// look for it where receivers write it (record or Resource).
func TestKeysFollowTheContract(t *testing.T) {
	for _, k := range fields.Declared() {
		onResource, known := eventattr.Where(k.Name)
		switch {
		case !known:
			t.Errorf("%s is not a key of eventattr", k.Name)
		case onResource != k.Resource:
			t.Errorf("%s: the field looks on the Resource %v, eventattr says %v", k.Name, k.Resource, onResource)
		}
	}
}
