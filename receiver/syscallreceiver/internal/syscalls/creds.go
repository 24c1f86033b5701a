package syscalls

import "github.com/vigil-sec/vigil/internal/linuxabi"

// refreshesProc are the calls after which the caller's credentials,
// capabilities or namespaces differ: the probe sends the caller's identity
// with each successful one (Spec.Proc), so the process table follows the
// kernel instead of guessing from arguments (a setuid by a process without
// CAP_SETUID changes only some ids; capset's effect depends on the
// bounding set; setns into a user namespace grants capabilities there).
var refreshesProc = map[int]bool{
	linuxabi.SysCapset: true, linuxabi.SysSetns: true, linuxabi.SysUnshare: true,
	linuxabi.SysSetuid: true, linuxabi.SysSetgid: true, linuxabi.SysSetreuid: true, linuxabi.SysSetregid: true,
	linuxabi.SysSetresuid: true, linuxabi.SysSetresgid: true, linuxabi.SysSetfsuid: true, linuxabi.SysSetfsgid: true,
	linuxabi.SysSetgroups: true,
}

// RefreshesProc reports whether the caller's identity is re-read after a
// successful call to syscall nr.
func RefreshesProc(nr int) bool { return refreshesProc[nr] }
