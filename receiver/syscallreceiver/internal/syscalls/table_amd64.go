package syscalls

// Helpers that keep the table one line per syscall.
func res() Param                      { return Param{Name: "res", R: RRes, Arg: -1} }
func fdRet(name string) Param         { return Param{Name: name, R: RFD, Arg: -1} }
func fd(name string, a int8) Param    { return Param{Name: name, R: RFD, Arg: a} }
func dirfd(name string, a int8) Param { return Param{Name: name, R: RDirFD, Arg: a} }
func path(name string, a, dirfdArg int8) Param {
	return Param{Name: name, R: RPath, Arg: a, Aux: dirfdArg}
}
func dec(name string, a int8) Param    { return Param{Name: name, R: RDec, Arg: a} }
func udec(name string, a int8) Param   { return Param{Name: name, R: RUDec, Arg: a} }
func hex(name string, a int8) Param    { return Param{Name: name, R: RHex, Arg: a} }
func oflags(name string, a int8) Param { return Param{Name: name, R: ROpenFlags, Arg: a} }
func mode(name string, a int8) Param   { return Param{Name: name, R: RMode, Arg: a} }
func uid(name string, a int8) Param    { return Param{Name: name, R: RUID, Arg: a} }
func gid(name string, a int8) Param    { return Param{Name: name, R: RGID, Arg: a} }
func flags(name string, a int8, t *Table) Param {
	return Param{Name: name, R: RFlags, Arg: a, Table: t}
}
func enum(name string, a int8, t *Table) Param { return Param{Name: name, R: REnum, Arg: a, Table: t} }
func sockaddr(name string, a int8) Param       { return Param{Name: name, R: RSockaddr, Arg: a} }
func tuple() Param                             { return Param{Name: "tuple", R: RTuple, Arg: -1} }
func devIno() []Param {
	return []Param{{Name: "dev", R: RDev, Arg: -1}, {Name: "ino", R: RIno, Arg: -1}}
}
func proc(name string, f int8) Param { return Param{Name: name, R: RProcField, Arg: -1, Aux: f} }

func ps(p ...any) []Param {
	var out []Param
	for _, x := range p {
		switch v := x.(type) {
		case Param:
			out = append(out, v)
		case []Param:
			out = append(out, v...)
		}
	}
	return out
}

// k builds the probe's argument kinds from (index, kind) pairs.
func k(pairs ...int) [6]uint8 {
	var out [6]uint8
	for i := 0; i+1 < len(pairs); i += 2 {
		out[pairs[i]] = uint8(pairs[i+1])
	}
	return out
}

// exec exit parameters, in Falco's order (the subset Vigil fills).
func execParams() []Param {
	return ps(res(), Param{Name: "exe", R: RExecExe, Arg: -1}, Param{Name: "args", R: RExecArgs, Arg: -1},
		proc("tid", PFTID), proc("pid", PFPID), proc("ptid", PFPPID), proc("cwd", PFCwd), proc("comm", PFComm),
		proc("env", PFEnv), proc("tty", PFTTY), proc("vpgid", PFVPGID), proc("loginuid", PFLoginUID),
		proc("uid", PFUID), proc("trusted_exepath", PFExePath), proc("pgid", PFPGID), proc("gid", PFGID),
		Param{Name: "filename", R: RFilename, Arg: -1})
}

func cloneParams() []Param {
	return ps(res(), proc("exe", PFExePath), proc("tid", PFTID), proc("pid", PFPID), proc("ptid", PFPPID),
		proc("cwd", PFCwd), proc("comm", PFComm), proc("uid", PFUID), proc("gid", PFGID))
}

// table is the x86-64 syscall table. Parameter names and order follow
// Falco's exit events where rules use them.
var table = []Syscall{
	// files
	{Name: "open", NR: 2, Kinds: k(0, ArgStr), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), path("name", 0, -1), oflags("flags", 1), mode("mode", 2), devIno())},
	{Name: "openat", NR: 257, Kinds: k(1, ArgStr), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), dirfd("dirfd", 0), path("name", 1, 0), oflags("flags", 2), mode("mode", 3), devIno())},
	{Name: "openat2", NR: 437, Kinds: k(1, ArgStr, 2, ArgOpenHow), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), dirfd("dirfd", 0), path("name", 1, 0), Param{Name: "flags", R: RHowFlags, Arg: 2}, Param{Name: "mode", R: RHowMode, Arg: 2}, Param{Name: "resolve", R: RHowResolve, Arg: 2}, devIno())},
	{Name: "creat", NR: 85, Kinds: k(0, ArgStr), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), path("name", 0, -1), mode("mode", 1), devIno())},
	{Name: "open_by_handle_at", NR: 304, FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), fd("mountfd", 0), oflags("flags", 2))},
	{Name: "close", NR: 3, State: true, Params: ps(res(), fd("fd", 0))},
	{Name: "close_range", NR: 436, State: true, Params: ps(res(), udec("fd", 0), udec("max_fd", 1), udec("flags", 2))},
	{Name: "dup", NR: 32, FDSrc: 1, State: true, Params: ps(res(), fd("oldfd", 0))},
	{Name: "dup2", NR: 33, FDSrc: 1, State: true, Params: ps(res(), fd("oldfd", 0), fd("newfd", 1))},
	{Name: "dup3", NR: 292, FDSrc: 1, State: true, Params: ps(res(), fd("oldfd", 0), fd("newfd", 1), flags("flags", 2, fdFlags))},
	{Name: "fcntl", NR: 72, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0), enum("cmd", 1, fcntlCmd))},
	{Name: "pipe", NR: 22, Kinds: k(0, ArgIntPair), State: true, Params: ps(res(), Param{Name: "fd1", R: RPipeFD0, Arg: 0}, Param{Name: "fd2", R: RPipeFD1, Arg: 0})},
	{Name: "pipe2", NR: 293, Kinds: k(0, ArgIntPair), State: true, Params: ps(res(), Param{Name: "fd1", R: RPipeFD0, Arg: 0}, Param{Name: "fd2", R: RPipeFD1, Arg: 0}, flags("flags", 1, fdFlags))},
	{Name: "eventfd2", NR: 290, FDSrc: FDRet, State: true, Params: ps(fdRet("res"), udec("initval", 0), flags("flags", 1, fdFlags))},
	{Name: "memfd_create", NR: 319, Kinds: k(0, ArgStr), FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), Param{Name: "name", R: RPath, Arg: 0, Aux: -2}, flags("flags", 1, memfdFlags))},
	{Name: "chdir", NR: 80, Kinds: k(0, ArgStr), State: true, Params: ps(res(), path("path", 0, -1))},
	{Name: "fchdir", NR: 81, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0))},
	{Name: "link", NR: 86, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), path("oldpath", 0, -1), path("newpath", 1, -1))},
	{Name: "linkat", NR: 265, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("olddir", 0), path("oldpath", 1, 0), dirfd("newdir", 2), path("newpath", 3, 2), flags("flags", 4, atFlags))},
	{Name: "symlink", NR: 88, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), Param{Name: "target", R: RPath, Arg: 0, Aux: -2}, path("linkpath", 1, -1))},
	{Name: "symlinkat", NR: 266, Kinds: k(0, ArgStr, 2, ArgStr), Params: ps(res(), Param{Name: "target", R: RPath, Arg: 0, Aux: -2}, dirfd("linkdirfd", 1), path("linkpath", 2, 1))},
	{Name: "unlink", NR: 87, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1))},
	{Name: "unlinkat", NR: 263, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("name", 1, 0), flags("flags", 2, atFlags))},
	{Name: "rename", NR: 82, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), path("oldpath", 0, -1), path("newpath", 1, -1))},
	{Name: "renameat", NR: 264, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("olddirfd", 0), path("oldpath", 1, 0), dirfd("newdirfd", 2), path("newpath", 3, 2))},
	{Name: "renameat2", NR: 316, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("olddirfd", 0), path("oldpath", 1, 0), dirfd("newdirfd", 2), path("newpath", 3, 2), flags("flags", 4, renameFlags))},
	{Name: "mkdir", NR: 83, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), mode("mode", 1))},
	{Name: "mkdirat", NR: 258, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("path", 1, 0), mode("mode", 2))},
	{Name: "rmdir", NR: 84, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1))},
	{Name: "chmod", NR: 90, Kinds: k(0, ArgStr), Params: ps(res(), path("filename", 0, -1), mode("mode", 1))},
	{Name: "fchmod", NR: 91, FDSrc: 1, Params: ps(res(), fd("fd", 0), mode("mode", 1))},
	{Name: "fchmodat", NR: 268, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("filename", 1, 0), mode("mode", 2))},
	{Name: "chown", NR: 92, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), uid("uid", 1), gid("gid", 2))},
	{Name: "fchownat", NR: 260, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("pathname", 1, 0), uid("uid", 2), gid("gid", 3), flags("flags", 4, atFlags))},
	{Name: "truncate", NR: 76, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), dec("length", 1))},
	{Name: "mknod", NR: 133, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), mode("mode", 1), hex("dev", 2))},
	{Name: "mknodat", NR: 259, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("path", 1, 0), mode("mode", 2), hex("dev", 3))},
	{Name: "chroot", NR: 161, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1))},
	{Name: "mount", NR: 165, Kinds: k(0, ArgStr, 1, ArgStr, 2, ArgStr), Params: ps(res(), Param{Name: "dev", R: RPath, Arg: 0, Aux: -2}, path("dir", 1, -1), Param{Name: "type", R: RPath, Arg: 2, Aux: -2}, flags("flags", 3, mountFlags))},
	{Name: "umount2", NR: 166, Kinds: k(0, ArgStr), Params: ps(res(), path("name", 0, -1), flags("flags", 1, umountFlags))},
	// the mount API: a filesystem context (fsopen, fsconfig) becomes a
	// detached mount (fsmount) or a tree is cloned (open_tree), then it is
	// attached (move_mount); strings are read as passed, paths resolved
	{Name: "open_tree", NR: 428, Kinds: k(1, ArgStr), Params: ps(fdRet("fd"), dirfd("dirfd", 0), path("path", 1, 0), flags("flags", 2, openTreeFlags))},
	{Name: "move_mount", NR: 429, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("from_dirfd", 0), path("from_path", 1, 0), dirfd("to_dirfd", 2), path("to_path", 3, 2), flags("flags", 4, moveMountFlags))},
	{Name: "fsopen", NR: 430, Kinds: k(0, ArgStr), Params: ps(fdRet("fd"), Param{Name: "fs_name", R: RPath, Arg: 0, Aux: -2}, flags("flags", 1, fsopenFlags))},
	{Name: "fsconfig", NR: 431, Kinds: k(2, ArgStr, 3, ArgStr), Params: ps(res(), fd("fd", 0), enum("cmd", 1, fsconfigCmd), Param{Name: "key", R: RPath, Arg: 2, Aux: -2}, Param{Name: "value", R: RPath, Arg: 3, Aux: -2}, dec("aux", 4))},
	{Name: "fsmount", NR: 432, Params: ps(fdRet("fd"), fd("fs_fd", 0), flags("flags", 1, fsmountFlags), flags("attr_flags", 2, mountAttrFlags))},
	{Name: "pivot_root", NR: 155, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), path("new_root", 0, -1), path("put_old", 1, -1))},
	{Name: "init_module", NR: 175, Kinds: k(2, ArgStr), Params: ps(res(), udec("length", 1), Param{Name: "uargs", R: RPath, Arg: 2, Aux: -2})},
	{Name: "finit_module", NR: 313, Kinds: k(1, ArgStr), FDSrc: 1, Params: ps(res(), fd("fd", 0), Param{Name: "uargs", R: RPath, Arg: 1, Aux: -2}, flags("flags", 2, moduleFlags))},
	{Name: "delete_module", NR: 176, Kinds: k(0, ArgStr), Params: ps(res(), Param{Name: "name", R: RPath, Arg: 0, Aux: -2}, udec("flags", 1))},

	// network
	{Name: "socket", NR: 41, FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), enum("domain", 0, sockDomain), udec("type", 1), udec("proto", 2))},
	{Name: "socketpair", NR: 53, Kinds: k(3, ArgIntPair), State: true, Params: ps(res(), Param{Name: "fd1", R: RPipeFD0, Arg: 3}, Param{Name: "fd2", R: RPipeFD1, Arg: 3}, enum("domain", 0, sockDomain), udec("type", 1), udec("proto", 2))},
	{Name: "connect", NR: 42, Kinds: k(1, ArgSockaddr), FDSrc: 1, State: true, Params: ps(res(), tuple(), fd("fd", 0), sockaddr("addr", 1))},
	{Name: "accept", NR: 43, FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), tuple())},
	{Name: "accept4", NR: 288, FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), tuple(), flags("flags", 3, sockFlags))},
	{Name: "bind", NR: 49, Kinds: k(1, ArgSockaddr), FDSrc: 1, State: true, Params: ps(res(), sockaddr("addr", 1), fd("fd", 0))},
	{Name: "listen", NR: 50, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0), dec("backlog", 1))},
	{Name: "sendto", NR: 44, Kinds: k(4, ArgSockaddr), FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), udec("size", 2), tuple())},
	{Name: "sendmsg", NR: 46, Kinds: k(1, ArgMsghdr), FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), tuple())},
	{Name: "recvfrom", NR: 45, Kinds: k(4, ArgSockaddrOut), FDSrc: 1, IO: true, Params: ps(res(), tuple(), fd("fd", 0), udec("size", 2))},
	{Name: "recvmsg", NR: 47, Kinds: k(1, ArgMsghdr), FDSrc: 1, IO: true, Params: ps(res(), tuple(), fd("fd", 0))},
	{Name: "read", NR: 0, FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), udec("size", 2))},
	{Name: "write", NR: 1, FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), udec("size", 2))},
	{Name: "shutdown", NR: 48, FDSrc: 1, Params: ps(res(), fd("fd", 0), dec("how", 1))},

	// processes
	{Name: "clone", NR: 56, State: true, Params: ps(cloneParams(), flags("flags", 0, cloneFlags))},
	{Name: "clone3", NR: 435, State: true, Params: cloneParams()},
	{Name: "fork", NR: 57, State: true, Params: cloneParams()},
	{Name: "vfork", NR: 58, State: true, Params: cloneParams()},
	{Name: "execve", NR: 59, Kinds: k(1, ArgArgv), State: true, Params: ps(execParams(), Param{Name: "flags", R: RExecFlags, Arg: -1})},
	{Name: "execveat", NR: 322, Kinds: k(2, ArgArgv), State: true, Params: ps(execParams(), dirfd("dirfd", 0), flags("flags", 4, atFlags))},
	{Name: "ptrace", NR: 101, Params: ps(res(), hex("addr", 2), hex("data", 3), enum("request", 0, ptraceReq), dec("pid", 1))},
	{Name: "kill", NR: 62, Params: ps(res(), dec("pid", 0), dec("sig", 1))},
	{Name: "tgkill", NR: 234, Params: ps(res(), dec("pid", 0), dec("tid", 1), dec("sig", 2))},
	{Name: "prctl", NR: 157, Params: ps(res(), dec("option", 0), hex("arg2", 1))},
	{Name: "setns", NR: 308, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0), flags("nstype", 1, cloneFlags))},
	{Name: "unshare", NR: 272, State: true, Params: ps(res(), flags("flags", 0, cloneFlags))},
	{Name: "setsid", NR: 112, State: true, Params: ps(res())},
	{Name: "setpgid", NR: 109, State: true, Params: ps(res(), dec("pid", 0), dec("pgid", 1))},
	{Name: "bpf", NR: 321, FDSrc: FDRet, Params: ps(fdRet("fd"), enum("cmd", 0, bpfCmd))},
	{Name: "userfaultfd", NR: 323, FDSrc: FDRet, Params: ps(fdRet("res"), flags("flags", 0, fdFlags))},
	{Name: "seccomp", NR: 317, Params: ps(res(), udec("op", 0), hex("flags", 1))},
	{Name: "process_vm_readv", NR: 310, Params: ps(res(), dec("pid", 0))},
	{Name: "process_vm_writev", NR: 311, Params: ps(res(), dec("pid", 0))},
	{Name: "memfd_secret", NR: 447, FDSrc: FDRet, Params: ps(fdRet("fd"), udec("flags", 0))},
	{Name: "io_uring_setup", NR: 425, FDSrc: FDRet, Params: ps(fdRet("res"), udec("entries", 0))},
	{Name: "kexec_load", NR: 246, Params: ps(res())},
	{Name: "kexec_file_load", NR: 320, Params: ps(res(), fd("kernel_fd", 0), fd("initrd_fd", 1))},

	// credentials
	{Name: "setuid", NR: 105, State: true, Params: ps(res(), uid("uid", 0))},
	{Name: "setgid", NR: 106, State: true, Params: ps(res(), gid("gid", 0))},
	{Name: "setreuid", NR: 113, State: true, Params: ps(res(), uid("ruid", 0), uid("euid", 1))},
	{Name: "setregid", NR: 114, State: true, Params: ps(res(), gid("rgid", 0), gid("egid", 1))},
	{Name: "setresuid", NR: 117, State: true, Params: ps(res(), uid("ruid", 0), uid("euid", 1), uid("suid", 2))},
	{Name: "setresgid", NR: 119, State: true, Params: ps(res(), gid("rgid", 0), gid("egid", 1), gid("sgid", 2))},
	{Name: "setfsuid", NR: 122, State: true, Params: ps(res(), uid("uid", 0))},
	{Name: "setfsgid", NR: 123, State: true, Params: ps(res(), gid("gid", 0))},
	{Name: "capset", NR: 126, State: true, Params: ps(res())},
}
