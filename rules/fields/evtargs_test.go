package fields_test

import (
	"testing"

	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/fields/fieldstest"
)

// Golden value: Falco's evt.args of a failed openat of a directory for
// writing, "res=-21(EISDIR) dirfd=-100(AT_FDCWD) ...", while evt.arg.res
// and evt.arg.dirfd stay the names.
func TestEvtArgsNumberThenName(t *testing.T) {
	ev := fieldstest.New().Set(fields.KeyEvtRawRes, -21).
		SetName("vigil.evt.arg.res", false, "EISDIR").
		SetName("vigil.evt.arg.dirfd", false, "AT_FDCWD").
		SetName("vigil.evt.arg.name", false, "/tmp").
		SetName("vigil.evt.arg.flags", false, "O_WRONLY")
	for field, want := range map[string]string{
		"evt.args":      "res=-21(EISDIR) dirfd=-100(AT_FDCWD) name=/tmp flags=O_WRONLY",
		"evt.arg.res":   "EISDIR",
		"evt.arg.dirfd": "AT_FDCWD",
	} {
		if got := read(t, ev, field, false); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	ok := fieldstest.New().Set(fields.KeyEvtRawRes, 3).SetName("vigil.evt.arg.res", false, "3")
	if got := read(t, ok, "evt.args", false); got != "res=3" {
		t.Errorf("evt.args of a success = %q", got)
	}
}
