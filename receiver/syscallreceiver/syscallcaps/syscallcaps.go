// Package syscallcaps says what the syscall receiver can deliver: the
// attribute keys it writes and the system calls its probe can capture. It
// is data only, so that tools (vigil-rules validate -sensor syscall) and
// the rules processor (through internal/sensorcaps) can tell which rules
// can never fire, without loading the receiver.
package syscallcaps

import (
	"slices"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// Source is the event source the receiver produces.
const Source = eventattr.SourceSyscall

// written are the keys the receiver writes, on some record or resource.
// TestWrittenKeysMatchSource keeps the list equal to the keys the
// receiver's code names.
var written = []string{
	eventattr.AncCmdlines,
	eventattr.AncExePaths,
	eventattr.AncExes,
	eventattr.AncNames,
	eventattr.AncPIDs,
	eventattr.CapEffective,
	eventattr.CapInheritable,
	eventattr.CapPermitted,
	eventattr.ClientAddr,
	eventattr.ClientName,
	eventattr.ClientPort,
	eventattr.ContainerID,
	eventattr.ContainerRuntime,
	eventattr.EvtArgPrefix,
	eventattr.EvtCPU,
	eventattr.EvtNum,
	eventattr.EvtRawArgPrefix,
	eventattr.EvtRawRes,
	eventattr.EvtType,
	eventattr.FDConnected,
	eventattr.FDDev,
	eventattr.FDIno,
	eventattr.FDIsServer,
	eventattr.FDName,
	eventattr.FDNameChanged,
	eventattr.FDNameRaw,
	eventattr.FDNum,
	eventattr.FDType,
	eventattr.FilePath,
	eventattr.GroupGID,
	eventattr.GroupName,
	eventattr.HostName,
	eventattr.L4Proto,
	eventattr.LocalAddr,
	eventattr.LocalPort,
	eventattr.OpenCreated,
	eventattr.OpenFlags,
	eventattr.OpenMode,
	eventattr.PeerAddr,
	eventattr.PeerPort,
	eventattr.PodUID,
	eventattr.ProcArgs,
	eventattr.ProcCmdline,
	eventattr.ProcCwd,
	eventattr.ProcEnvPrefix,
	eventattr.ProcExe,
	eventattr.ProcExeCtime,
	eventattr.ProcExeIno,
	eventattr.ProcExeLower,
	eventattr.ProcExeMemfd,
	eventattr.ProcExeMtime,
	eventattr.ProcExePath,
	eventattr.ProcExeUpper,
	eventattr.ProcExeWritable,
	eventattr.ProcInteractive,
	eventattr.ProcName,
	eventattr.ProcPGID,
	eventattr.ProcPID,
	eventattr.ProcPPID,
	eventattr.ProcSID,
	eventattr.ProcSName,
	eventattr.ProcStartTime,
	eventattr.ProcTTY,
	eventattr.ProcVPGID,
	eventattr.ProcVPID,
	eventattr.ServerAddr,
	eventattr.ServerName,
	eventattr.ServerPort,
	eventattr.ThreadTID,
	eventattr.ThreadVTID,
	eventattr.UserHome,
	eventattr.UserLoginName,
	eventattr.UserLoginUID,
	eventattr.UserName,
	eventattr.UserShell,
	eventattr.UserUID,
}

// Keys are the attribute names the receiver writes; names ending in "."
// stand for every key under them (evt.arg.NAME).
func Keys() []string { return slices.Clone(written) }

// Syscalls are the system calls the probe can capture.
func Syscalls() []string {
	var out []string
	for _, s := range syscalls.All() {
		out = append(out, s.Name)
	}
	return out
}
