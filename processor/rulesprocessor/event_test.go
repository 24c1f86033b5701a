package rulesprocessor

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/internal/eventgen"
	"github.com/vigil-sec/vigil/internal/eventrecord"
	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

func TestRecordEventReads(t *testing.T) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	ra := rl.Resource().Attributes()
	ra.PutStr("container.id", testContainerID)
	// the process context is on the resource (one per process state)
	ra.PutStr("process.executable.name", "cat")
	ra.PutInt("process.pid", 42)
	ra.PutBool("process.interactive", true)
	putValue(ra, "vigil.proc.anames", []string{"bash", "sshd"})
	putValue(ra, "vigil.proc.apids", []int64{7, 1})
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	a := lrs.AppendEmpty()
	a.SetTimestamp(123)
	at := a.Attributes()
	at.PutInt("thread.id", 43)
	at.PutEmptyBytes("vigil.evt.buffer").FromRaw([]byte("abc"))
	at.PutStr("vigil.evt.arg.flags", "O_RDONLY")
	at.PutInt("vigil.evt.arg.fd", 3)
	at.PutStr("vigil.evt.arg.name", "/etc/shadow")
	// a record key written on the resource is not read: keys are read where
	// the registry says they live
	ra.PutStr("file.path", "/on/the/resource")
	b := lrs.AppendEmpty()
	b.SetObservedTimestamp(456)
	b.Attributes().PutStr("thread.id", "43") // wrong type: not an int

	ev := eventrecord.New()
	ev.SetResource(rl.Resource().Attributes())
	ev.Reset(a)
	s, ok := ev.Str(fields.KeyProcName)
	assert.True(t, ok)
	assert.Equal(t, "cat", s)
	n, ok := ev.Int(fields.KeyProcPID)
	assert.True(t, ok)
	assert.Equal(t, int64(42), n)
	_, ok = ev.Str(fields.KeyProcPID)
	assert.False(t, ok, "an int attribute read as a string")
	bo, ok := ev.Bool(fields.KeyProcInteractive)
	assert.True(t, ok && bo)
	n, ok = ev.Int(fields.KeyThreadTID)
	assert.True(t, ok)
	assert.Equal(t, int64(43), n)
	by, ok := ev.Bytes(fields.KeyEvtBuffer)
	assert.True(t, ok)
	assert.Equal(t, []byte("abc"), by)
	l, ok := ev.Len(fields.KeyAncNames)
	assert.True(t, ok)
	assert.Equal(t, 2, l)
	s, ok = ev.StrAt(fields.KeyAncNames, 1)
	assert.True(t, ok)
	assert.Equal(t, "sshd", s)
	_, ok = ev.StrAt(fields.KeyAncNames, 2)
	assert.False(t, ok)
	n, ok = ev.IntAt(fields.KeyAncPIDs, 0)
	assert.True(t, ok)
	assert.Equal(t, int64(7), n)
	_, ok = ev.Str(fields.KeyFilePath)
	assert.False(t, ok, "absent from the record")
	_, ok = ev.Str(fields.KeyFilePath)
	assert.False(t, ok, "absent, from the cache")
	cid, ok := ev.Str(fields.KeyContainerID)
	assert.True(t, ok)
	assert.Equal(t, testContainerID, cid)
	var args [][2]string
	ev.Range(fields.KeyEvtArg, func(k, v string) bool { args = append(args, [2]string{k, v}); return true })
	assert.Equal(t, [][2]string{{"flags", "O_RDONLY"}, {"name", "/etc/shadow"}}, args, "string-valued attributes under the prefix, in order")
	assert.Equal(t, int64(123), ev.Time())

	// The next record sees its own attributes, not the cached ones, and the
	// same resource.
	ev.Reset(b)
	_, ok = ev.Int(fields.KeyThreadTID)
	assert.False(t, ok)
	_, ok = ev.Bytes(fields.KeyEvtBuffer)
	assert.False(t, ok)
	assert.Equal(t, int64(456), ev.Time(), "no timestamp: the observed time")
	_, ok = ev.Str(fields.KeyContainerID)
	assert.True(t, ok, "same resource")
	s, _ = ev.Str(fields.KeyProcName)
	assert.Equal(t, "cat", s, "same resource")

	// The next process state's resource replaces the cached resource values.
	rl2 := ld.ResourceLogs().AppendEmpty()
	rl2.Resource().Attributes().PutStr("process.executable.name", "sh")
	ev.SetResource(rl2.Resource().Attributes())
	ev.Reset(a)
	s, _ = ev.Str(fields.KeyProcName)
	assert.Equal(t, "sh", s)
	_, ok = ev.Int(fields.KeyProcPID)
	assert.False(t, ok)
	_, ok = ev.Str(fields.KeyContainerID)
	assert.False(t, ok)
	n, _ = ev.Int(fields.KeyThreadTID)
	assert.Equal(t, int64(43), n)

}

// TestRecordEventMatchesReference evaluates the upstream rules on a
// synthesised corpus twice, through the pdata view and through the
// rules package's in-memory test event: the results must agree.
func TestRecordEventMatchesReference(t *testing.T) {
	rs, err := rules.LoadFiles(rules.Options{Selections: []rules.Selection{{Enable: true, Rule: "*"}}},
		upstreamRules(t, "falco_rules.yaml"), upstreamRules(t, "falco-incubating_rules.yaml"))
	require.NoError(t, err)
	gen := eventgen.New(99)
	view := eventrecord.New()
	var a, b []*rules.Rule
	checked, matched := 0, 0
	for _, r := range rs.Rules() {
		e, err := condition.Parse(r.Expanded())
		require.NoError(t, err)
		for i := 0; i < 30; i++ {
			ev, touched := gen.Synthesize(e, i%3 != 0)
			for _, x := range []*eventgen.Event{ev, gen.Perturb(ev, touched)} {
				ld := generatedLogs(x)
				rl := ld.ResourceLogs().At(0)
				view.SetResource(rl.Resource().Attributes())
				view.Reset(rl.ScopeLogs().At(0).LogRecords().At(0))
				a = rs.Match(view, rules.MatchAll, a[:0])
				b = rs.Match(x.Fields(), rules.MatchAll, b[:0])
				if !slices.Equal(a, b) {
					t.Fatalf("pdata view matched %v, reference %v\n%s", ruleList(a), ruleList(b), x)
				}
				checked++
				if len(a) > 0 {
					matched++
				}
				// Outputs render the same too.
				for _, r := range a {
					assert.Equal(t, string(r.Output.Append(nil, x.Fields())), string(r.Output.Append(nil, view)))
				}
			}
		}
	}
	t.Logf("%d events, %d matched", checked, matched)
	require.Greater(t, matched, checked/5)
}

func ruleList(rs []*rules.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

var _ = pcommon.NewMap
