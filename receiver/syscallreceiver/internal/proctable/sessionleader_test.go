package proctable

import "testing"

// proc.sname's process: the session leader by pid, live or recently
// exited; when the table has never known it, the eldest ancestor in the
// session, as Falco declares.
func TestSessionLeader(t *testing.T) {
	tb := New(100)
	tb.MaxExited = 10
	tb.Put(&Process{PID: 1, Comm: "init", SID: 1})
	tb.Put(&Process{PID: 10, PPID: 1, Comm: "sshd", SID: 10})
	tb.Put(&Process{PID: 20, PPID: 10, Comm: "bash", SID: 20})
	tb.Put(&Process{PID: 21, PPID: 20, Comm: "make", SID: 20})
	cc := &Process{PID: 22, PPID: 21, Comm: "cc", SID: 20}
	tb.Put(cc)
	if l := tb.SessionLeader(cc); l == nil || l.Comm != "bash" {
		t.Errorf("live leader: %v", l)
	}
	tb.Remove(20)
	if l := tb.SessionLeader(cc); l == nil || l.Comm != "bash" {
		t.Errorf("exited leader: %v", l)
	}
	// A session whose leader the table never saw (started and gone
	// before the collector): the eldest member of the chain up from the
	// process, not beyond a member of another session.
	orphan := &Process{PID: 31, PPID: 30, Comm: "sleep", SID: 29}
	tb.Put(&Process{PID: 30, PPID: 1, Comm: "nohup", SID: 29})
	tb.Put(orphan)
	if l := tb.SessionLeader(orphan); l == nil || l.Comm != "nohup" {
		t.Errorf("unknown leader: %v", l)
	}
	if l := tb.SessionLeader(&Process{PID: 5, SID: 0}); l != nil {
		t.Errorf("no session: %v", l)
	}
}
