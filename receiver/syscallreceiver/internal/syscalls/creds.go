package syscalls

// refreshesProc are the calls after which the caller's credentials,
// capabilities or namespaces differ: the probe sends the caller's identity
// with each successful one (Spec.Proc), so the process table follows the
// kernel instead of guessing from arguments (a setuid by a process without
// CAP_SETUID changes only some ids; capset's effect depends on the
// bounding set; setns into a user namespace grants capabilities there).
var refreshesProc = map[string]bool{
	"capset": true, "setns": true, "unshare": true,
	"setuid": true, "setgid": true, "setreuid": true, "setregid": true,
	"setresuid": true, "setresgid": true, "setfsuid": true, "setfsgid": true,
	"setgroups": true,
}

// RefreshesProc reports whether the caller's identity is re-read after a
// successful call to name.
func RefreshesProc(name string) bool { return refreshesProc[name] }
