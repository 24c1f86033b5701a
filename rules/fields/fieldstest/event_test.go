package fieldstest

import (
	"testing"

	"github.com/vigil-sec/vigil/rules/fields"
)

func TestEvent(t *testing.T) {
	ev := FromMap(map[string]any{
		"process.executable.name": "cat",
		"process.pid":             42,
		"vigil.fd.connected":      true,
		"vigil.evt.buffer":        []byte("hi"),
		"vigil.proc.anames":       []string{"bash", "sshd"},
		"vigil.proc.apids":        []int{10, 1},
		"container.id":            "abc",
		"vigil.evt.arg.b":         "2",
		"vigil.evt.arg.a":         "1",
		"k8s.pod.labels.app":      "web",
	}).SetTime(99)
	if s, ok := ev.Str(fields.KeyProcName); !ok || s != "cat" {
		t.Errorf("Str = %q, %v", s, ok)
	}
	if _, ok := ev.Int(fields.KeyProcName); ok {
		t.Error("Int of a string attribute succeeded")
	}
	if n, ok := ev.Int(fields.KeyProcPID); !ok || n != 42 {
		t.Errorf("Int = %d, %v", n, ok)
	}
	if b, ok := ev.Bool(fields.KeyFDConnected); !ok || !b {
		t.Errorf("Bool = %v, %v", b, ok)
	}
	if b, ok := ev.Bytes(fields.KeyEvtBuffer); !ok || string(b) != "hi" {
		t.Errorf("Bytes = %q, %v", b, ok)
	}
	if n, ok := ev.Len(fields.KeyAncNames); !ok || n != 2 {
		t.Errorf("Len = %d, %v", n, ok)
	}
	if s, ok := ev.StrAt(fields.KeyAncNames, 1); !ok || s != "sshd" {
		t.Errorf("StrAt = %q, %v", s, ok)
	}
	if _, ok := ev.StrAt(fields.KeyAncNames, 2); ok {
		t.Error("StrAt out of range succeeded")
	}
	if n, ok := ev.IntAt(fields.KeyAncPIDs, 0); !ok || n != 10 {
		t.Errorf("IntAt = %d, %v", n, ok)
	}
	if s, ok := ev.Str(fields.KeyContainerID); !ok || s != "abc" {
		t.Errorf("resource Str = %q, %v", s, ok)
	}
	if _, ok := ev.Str(fields.KeyHostName); ok {
		t.Error("absent attribute reported present")
	}
	var got []string
	ev.Range(fields.KeyEvtArg, func(k, v string) bool { got = append(got, k+"="+v); return true })
	if len(got) != 2 || got[0] != "a=1" || got[1] != "b=2" {
		t.Errorf("Range = %v (FromMap adds names in sorted order)", got)
	}
	got = nil
	ev.Range(fields.KeyPodLabel, func(k, v string) bool { got = append(got, k+"="+v); return false })
	if len(got) != 1 || got[0] != "app=web" {
		t.Errorf("resource Range = %v", got)
	}
	if ev.Time() != 99 {
		t.Errorf("Time = %d", ev.Time())
	}
	ev.Set(fields.KeyProcName, "dog")
	if s, _ := ev.Str(fields.KeyProcName); s != "dog" {
		t.Errorf("overwritten Str = %q", s)
	}
}
