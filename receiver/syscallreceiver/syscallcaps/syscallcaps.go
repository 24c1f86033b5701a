// Package syscallcaps says what the syscall receiver can deliver: the
// attribute keys it writes and the system calls its probe can capture. It
// is data only, so that tools (vigil-rules validate -sensor syscall) and
// the rules processor (through internal/sensorcaps) can tell which rules
// can never fire, without loading the receiver.
package syscallcaps

import (
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Source is the event source the receiver produces.
const Source = "syscall"

// written are the keys the receiver writes, on some record or resource.
// TestWrittenKeysMatchSource keeps the list equal to the keys the
// receiver's code names.
var written = []fields.Key{
	fields.KeyAncCmdlines,
	fields.KeyAncExePaths,
	fields.KeyAncExes,
	fields.KeyAncNames,
	fields.KeyAncPIDs,
	fields.KeyCapEffective,
	fields.KeyCapInheritable,
	fields.KeyCapPermitted,
	fields.KeyClientAddr,
	fields.KeyClientName,
	fields.KeyClientPort,
	fields.KeyContainerID,
	fields.KeyContainerRuntime,
	fields.KeyEvtArg,
	fields.KeyEvtCPU,
	fields.KeyEvtNum,
	fields.KeyEvtRawArg,
	fields.KeyEvtRawRes,
	fields.KeyEvtType,
	fields.KeyFDConnected,
	fields.KeyFDDev,
	fields.KeyFDIno,
	fields.KeyFDIsServer,
	fields.KeyFDName,
	fields.KeyFDNameChanged,
	fields.KeyFDNameRaw,
	fields.KeyFDNum,
	fields.KeyFDType,
	fields.KeyFilePath,
	fields.KeyGroupGID,
	fields.KeyGroupName,
	fields.KeyHostName,
	fields.KeyL4Proto,
	fields.KeyLocalAddr,
	fields.KeyLocalPort,
	fields.KeyOpenCreated,
	fields.KeyOpenFlags,
	fields.KeyOpenMode,
	fields.KeyPeerAddr,
	fields.KeyPeerPort,
	fields.KeyPodUID,
	fields.KeyProcArgs,
	fields.KeyProcCmdline,
	fields.KeyProcCwd,
	fields.KeyProcEnv,
	fields.KeyProcExe,
	fields.KeyProcExeCtime,
	fields.KeyProcExeIno,
	fields.KeyProcExeLower,
	fields.KeyProcExeMemfd,
	fields.KeyProcExeMtime,
	fields.KeyProcExePath,
	fields.KeyProcExeUpper,
	fields.KeyProcExeWritable,
	fields.KeyProcInteractive,
	fields.KeyProcName,
	fields.KeyProcPGID,
	fields.KeyProcPID,
	fields.KeyProcPPID,
	fields.KeyProcSID,
	fields.KeyProcSName,
	fields.KeyProcStartTime,
	fields.KeyProcTTY,
	fields.KeyProcVPGID,
	fields.KeyProcVPID,
	fields.KeyServerAddr,
	fields.KeyServerName,
	fields.KeyServerPort,
	fields.KeyThreadTID,
	fields.KeyThreadVTID,
	fields.KeyUserHome,
	fields.KeyUserLoginName,
	fields.KeyUserLoginUID,
	fields.KeyUserName,
	fields.KeyUserShell,
	fields.KeyUserUID,
}

// Keys are the attribute names the receiver writes; names ending in "."
// stand for every key under them (evt.arg.NAME).
func Keys() []string {
	out := make([]string, len(written))
	for i, k := range written {
		out[i] = k.Name
	}
	return out
}

// Syscalls are the system calls the probe can capture.
func Syscalls() []string {
	var out []string
	for _, s := range syscalls.All() {
		out = append(out, s.Name)
	}
	return out
}
