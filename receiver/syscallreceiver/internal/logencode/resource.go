package logencode

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// resource returns the record slice for p's current context: one
// ResourceLogs per process state and batch, holding the host and container
// identity and the whole process context (identity, credentials, user and
// group, ancestry). Records then carry only what is specific to the event.
//
// Writing the context on every record cost about 75 attribute values and
// 120 allocations per record, most of the receiver's CPU; as resource
// attributes it is written once per process state and batch, and OTel's
// semantic conventions put process.* on the Resource anyway. A process
// whose context changes within a batch (exec, setuid, chdir, an ancestor's
// exit...) gets a second resource, so every record sits under exactly the
// context it had when it happened.
func (b *Encoder) resource(p *proctable.Process) plog.LogRecordSlice {
	ver := b.Table.ContextVersion(p)
	if ver == b.lastVer {
		return b.last
	}
	s, ok := b.byVer[ver]
	if !ok {
		rl := b.groupOf(p.Container.ID).AppendEmpty()
		b.putContext(rl.Resource().Attributes(), p)
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName(ScopeName)
		s = sl.LogRecords()
		b.byVer[ver] = s
	}
	b.lastVer, b.last = ver, s
	return s
}

// putContext writes the resource attributes of p's context.
func (b *Encoder) putContext(a pcommon.Map, p *proctable.Process) {
	want := b.contextAttrs(p)
	a.EnsureCapacity(want)
	defer func() {
		if a.Len() > want {
			b.capShort++
		}
	}()
	if b.Host != "" {
		a.PutStr(eventattr.HostName, b.Host)
	}
	if c := p.Container; c.ID != "" {
		a.PutStr(eventattr.ContainerID, c.ID)
		if c.Runtime != "" {
			a.PutStr(eventattr.ContainerRuntime, c.Runtime)
		}
		if c.PodUID != "" {
			a.PutStr(eventattr.PodUID, c.PodUID)
		}
	}

	a.PutInt(eventattr.ProcPID, p.PID)
	a.PutInt(eventattr.ProcVPID, p.VPID)
	a.PutInt(eventattr.ProcPPID, p.PPID)
	a.PutStr(eventattr.ProcName, p.Comm)
	a.PutStr(eventattr.ProcExe, p.Exe)
	a.PutStr(eventattr.ProcExePath, falcoExePath(p.ExePath))
	a.PutStr(eventattr.ProcCmdline, p.Cmdline)
	putStrs(a, eventattr.ProcArgs, p.Args)
	a.PutStr(eventattr.ProcCwd, falcoCwd(p.Cwd))
	a.PutInt(eventattr.ProcTTY, p.TTY)
	a.PutBool(eventattr.ProcInteractive, p.TTY != 0)
	a.PutInt(eventattr.ProcSID, p.SID)
	if leader := b.Table.SessionLeader(p); leader != nil {
		a.PutStr(eventattr.ProcSName, leader.Comm)
	}
	a.PutInt(eventattr.ProcPGID, p.PGID)
	a.PutInt(eventattr.ProcVPGID, p.VPGID)
	if p.StartNs != 0 {
		a.PutInt(eventattr.ProcStartTime, p.StartNs)
	}
	if p.ExeIno != 0 {
		a.PutInt(eventattr.ProcExeIno, p.ExeIno)
	}
	a.PutBool(eventattr.ProcExeUpper, p.ExeUpper)
	putExeInode(a, p)
	a.PutBool(eventattr.ProcExeMemfd, p.ExeMemfd)
	a.PutStr(eventattr.CapPermitted, p.CapPrm)
	a.PutStr(eventattr.CapEffective, p.CapEff)
	a.PutStr(eventattr.CapInheritable, p.CapInh)

	// collect first so that each slice is allocated once at its size
	anc := b.anc[:0]
	b.Table.Ancestors(p, proctable.MaxAncestors, func(an *proctable.Process) { anc = append(anc, an) })
	b.anc = anc
	names := a.PutEmptySlice(eventattr.AncNames)
	pids := a.PutEmptySlice(eventattr.AncPIDs)
	exes := a.PutEmptySlice(eventattr.AncExes)
	paths := a.PutEmptySlice(eventattr.AncExePaths)
	cmds := a.PutEmptySlice(eventattr.AncCmdlines)
	names.EnsureCapacity(len(anc))
	pids.EnsureCapacity(len(anc))
	exes.EnsureCapacity(len(anc))
	paths.EnsureCapacity(len(anc))
	cmds.EnsureCapacity(len(anc))
	for _, an := range anc {
		names.AppendEmpty().SetStr(an.Comm)
		pids.AppendEmpty().SetInt(an.PID)
		exes.AppendEmpty().SetStr(an.Exe)
		paths.AppendEmpty().SetStr(falcoExePath(an.ExePath))
		cmds.AppendEmpty().SetStr(an.Cmdline)
	}

	a.PutInt(eventattr.UserUID, int64(p.UID))
	if u, ok := b.Users.User(p.UID); ok {
		a.PutStr(eventattr.UserName, u.Name)
		a.PutStr(eventattr.UserHome, u.Home)
		a.PutStr(eventattr.UserShell, u.Shell)
	} else {
		a.PutStr(eventattr.UserName, "<NA>")
	}
	a.PutInt(eventattr.UserLoginUID, p.LoginUID)
	if p.LoginUID >= 0 {
		if u, ok := b.Users.User(uint32(p.LoginUID)); ok {
			a.PutStr(eventattr.UserLoginName, u.Name)
		}
	}
	a.PutInt(eventattr.GroupGID, int64(p.GID))
	if g, ok := b.Users.Group(p.GID); ok {
		a.PutStr(eventattr.GroupName, g)
	}
}

func putStrs(m pcommon.Map, k string, vals []string) {
	s := m.PutEmptySlice(k)
	s.EnsureCapacity(len(vals))
	for _, v := range vals {
		s.AppendEmpty().SetStr(v)
	}
}
