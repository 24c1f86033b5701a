package eventrecord

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/rules/fields"
)

// A generation number that wraps must not let stale cache entries of an
// earlier record look current.
func TestGenerationWrapClearsCaches(t *testing.T) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("process.executable.name", "cat")
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	a := lrs.AppendEmpty()
	a.Attributes().PutInt("thread.id", 43)
	b := lrs.AppendEmpty()
	rl2 := ld.ResourceLogs().AppendEmpty()
	rl2.Resource().Attributes().PutStr("process.executable.name", "sh")

	v := New()
	v.SetResource(rl.Resource().Attributes())
	v.gen = ^uint32(0)
	v.Reset(a)
	if n, _ := v.Int(fields.KeyThreadTID); n != 43 {
		t.Fatalf("thread.id = %d, want 43", n)
	}
	v.gen = ^uint32(0)
	v.Reset(b)
	if _, ok := v.Int(fields.KeyThreadTID); ok {
		t.Fatal("record b has no thread.id, but the view found one")
	}
	if s, _ := v.Str(fields.KeyProcName); s != "cat" {
		t.Fatalf("proc.name = %q, want cat", s)
	}
	v.resGen = ^uint32(0)
	v.SetResource(rl2.Resource().Attributes())
	if s, _ := v.Str(fields.KeyProcName); s != "sh" {
		t.Fatalf("proc.name after wrap = %q, want sh", s)
	}
}
