package logbuild

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
	"github.com/vigil-sec/vigil/rules/fields"
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
func (b *Builder) resource(p *proctable.Process) plog.LogRecordSlice {
	ver := b.Table.ContextVersion(p)
	if ver == b.lastVer {
		return b.last
	}
	s, ok := b.byVer[ver]
	if !ok {
		if b.logs.ResourceLogs().Len() == 0 {
			b.firstCID = p.Container.ID
		} else if p.Container.ID != b.firstCID {
			b.mixed = true
		}
		rl := b.logs.ResourceLogs().AppendEmpty()
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
func (b *Builder) putContext(a pcommon.Map, p *proctable.Process) {
	a.EnsureCapacity(48)
	if b.Host != "" {
		a.PutStr(fields.KeyHostName.Name, b.Host)
	}
	if c := p.Container; c.ID != "" {
		a.PutStr(fields.KeyContainerID.Name, c.ID)
		if c.Runtime != "" {
			a.PutStr(fields.KeyContainerRuntime.Name, c.Runtime)
		}
		if c.PodUID != "" {
			a.PutStr(fields.KeyPodUID.Name, c.PodUID)
		}
	}

	a.PutInt(fields.KeyProcPID.Name, p.PID)
	a.PutInt(fields.KeyProcVPID.Name, p.VPID)
	a.PutInt(fields.KeyProcPPID.Name, p.PPID)
	a.PutStr(fields.KeyProcName.Name, p.Comm)
	a.PutStr(fields.KeyProcExe.Name, p.Exe)
	a.PutStr(fields.KeyProcExePath.Name, falcoExePath(p.ExePath))
	a.PutStr(fields.KeyProcCmdline.Name, p.Cmdline)
	putStrs(a, fields.KeyProcArgs.Name, p.Args)
	a.PutStr(fields.KeyProcCwd.Name, falcoCwd(p.Cwd))
	a.PutInt(fields.KeyProcTTY.Name, p.TTY)
	a.PutBool(fields.KeyProcInteractive.Name, p.TTY != 0)
	a.PutInt(fields.KeyProcSID.Name, p.SID)
	if leader := b.Table.Peek(p.SID); leader != nil {
		a.PutStr(fields.KeyProcSName.Name, leader.Comm)
	}
	a.PutInt(fields.KeyProcPGID.Name, p.PGID)
	a.PutInt(fields.KeyProcVPGID.Name, p.VPGID)
	if p.StartNs != 0 {
		a.PutInt(fields.KeyProcStartTime.Name, p.StartNs)
	}
	if p.ExeIno != 0 {
		a.PutInt(fields.KeyProcExeIno.Name, p.ExeIno)
	}
	a.PutBool(fields.KeyProcExeUpper.Name, p.ExeUpper)
	putExeInode(a, p)
	a.PutBool(fields.KeyProcExeMemfd.Name, p.ExeMemfd)
	a.PutStr(fields.KeyCapPermitted.Name, p.CapPrm)
	a.PutStr(fields.KeyCapEffective.Name, p.CapEff)
	a.PutStr(fields.KeyCapInheritable.Name, p.CapInh)

	// collect first so that each slice is allocated once at its size
	anc := b.anc[:0]
	b.Table.Ancestors(p, proctable.MaxAncestors, func(an *proctable.Process) { anc = append(anc, an) })
	b.anc = anc
	names := a.PutEmptySlice(fields.KeyAncNames.Name)
	pids := a.PutEmptySlice(fields.KeyAncPIDs.Name)
	exes := a.PutEmptySlice(fields.KeyAncExes.Name)
	paths := a.PutEmptySlice(fields.KeyAncExePaths.Name)
	cmds := a.PutEmptySlice(fields.KeyAncCmdlines.Name)
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

	a.PutInt(fields.KeyUserUID.Name, int64(p.UID))
	if u, ok := b.Users.User(p.UID); ok {
		a.PutStr(fields.KeyUserName.Name, u.Name)
		a.PutStr(fields.KeyUserHome.Name, u.Home)
		a.PutStr(fields.KeyUserShell.Name, u.Shell)
	} else {
		a.PutStr(fields.KeyUserName.Name, "<NA>")
	}
	a.PutInt(fields.KeyUserLoginUID.Name, p.LoginUID)
	if p.LoginUID >= 0 {
		if u, ok := b.Users.User(uint32(p.LoginUID)); ok {
			a.PutStr(fields.KeyUserLoginName.Name, u.Name)
		}
	}
	a.PutInt(fields.KeyGroupGID.Name, int64(p.GID))
	if g, ok := b.Users.Group(p.GID); ok {
		a.PutStr(fields.KeyGroupName.Name, g)
	}
}

func putStrs(m pcommon.Map, k string, vals []string) {
	s := m.PutEmptySlice(k)
	s.EnsureCapacity(len(vals))
	for _, v := range vals {
		s.AppendEmpty().SetStr(v)
	}
}
