package evttype

import (
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
)

func TestNeverTrue(t *testing.T) {
	for cond, want := range map[string]bool{
		"evt.num = 0":             true,
		"evt.num == 0":            true,
		"evt.num in (0)":          true,
		"evt.num in (0, 0x0)":     true,
		"evt.num intersects (0)":  true,
		"evt.num < 1":             true,
		"evt.num <= 0":            true,
		"evt.num < 0":             true,
		"evt.num = 1":             false,
		"evt.num in (0, 1)":       false,
		"evt.num <= 1":            false,
		"evt.num != 0":            false,
		"evt.num > 0":             false,
		"evt.num in ()":           false,
		"evt.num = zero":          false,
		"evt.num exists":          false,
		"proc.pid = 0":            false,
		"evt.num = val(proc.pid)": false,
	} {
		e, err := condition.Parse(cond)
		if err != nil {
			t.Fatalf("%s: %v", cond, err)
		}
		if got := NeverTrue(e.(*condition.Check)); got != want {
			t.Errorf("NeverTrue(%s) = %v, want %v", cond, got, want)
		}
		if want && !Condition(e).IsEmpty() {
			t.Errorf("Condition(%s) = %v, want no event types", cond, Condition(e))
		}
	}
}
