package syscalls

import "github.com/vigil-sec/vigil/internal/linuxabi"

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

// table is the x86-64 syscall table, by linuxabi number (init fills in the
// names from linuxabi). Parameter names and order follow Falco's exit events
// where rules use them.
var table = []Syscall{
	// files
	{NR: linuxabi.SysOpen, Kinds: k(0, ArgStr), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), path("name", 0, -1), oflags("flags", 1), mode("mode", 2), devIno())},
	{NR: linuxabi.SysOpenat, Kinds: k(1, ArgStr), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), dirfd("dirfd", 0), path("name", 1, 0), oflags("flags", 2), mode("mode", 3), devIno())},
	{NR: linuxabi.SysOpenat2, Kinds: k(1, ArgStr, 2, ArgOpenHow), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), dirfd("dirfd", 0), path("name", 1, 0), Param{Name: "flags", R: RHowFlags, Arg: 2}, Param{Name: "mode", R: RHowMode, Arg: 2}, Param{Name: "resolve", R: RHowResolve, Arg: 2}, devIno())},
	{NR: linuxabi.SysCreat, Kinds: k(0, ArgStr), FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), path("name", 0, -1), mode("mode", 1), devIno())},
	{NR: linuxabi.SysOpenByHandleAt, FDSrc: FDRet, Open: true, State: true, Params: ps(fdRet("fd"), fd("mountfd", 0), oflags("flags", 2))},
	{NR: linuxabi.SysClose, State: true, Params: ps(res(), fd("fd", 0))},
	{NR: linuxabi.SysCloseRange, State: true, Params: ps(res(), udec("fd", 0), udec("max_fd", 1), udec("flags", 2))},
	{NR: linuxabi.SysDup, FDSrc: 1, State: true, Params: ps(res(), fd("oldfd", 0))},
	{NR: linuxabi.SysDup2, FDSrc: 1, State: true, Params: ps(res(), fd("oldfd", 0), fd("newfd", 1))},
	{NR: linuxabi.SysDup3, FDSrc: 1, State: true, Params: ps(res(), fd("oldfd", 0), fd("newfd", 1), flags("flags", 2, fdFlags))},
	{NR: linuxabi.SysFcntl, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0), enum("cmd", 1, fcntlCmd))},
	{NR: linuxabi.SysPipe, Kinds: k(0, ArgIntPair), State: true, Params: ps(res(), Param{Name: "fd1", R: RPipeFD0, Arg: 0}, Param{Name: "fd2", R: RPipeFD1, Arg: 0})},
	{NR: linuxabi.SysPipe2, Kinds: k(0, ArgIntPair), State: true, Params: ps(res(), Param{Name: "fd1", R: RPipeFD0, Arg: 0}, Param{Name: "fd2", R: RPipeFD1, Arg: 0}, flags("flags", 1, fdFlags))},
	{NR: linuxabi.SysEventfd2, FDSrc: FDRet, State: true, Params: ps(fdRet("res"), udec("initval", 0), flags("flags", 1, fdFlags))},
	{NR: linuxabi.SysMemfdCreate, Kinds: k(0, ArgStr), FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), Param{Name: "name", R: RPath, Arg: 0, Aux: -2}, flags("flags", 1, memfdFlags))},
	{NR: linuxabi.SysChdir, Kinds: k(0, ArgStr), State: true, Params: ps(res(), path("path", 0, -1))},
	{NR: linuxabi.SysFchdir, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0))},
	{NR: linuxabi.SysLink, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), path("oldpath", 0, -1), path("newpath", 1, -1))},
	{NR: linuxabi.SysLinkat, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("olddir", 0), path("oldpath", 1, 0), dirfd("newdir", 2), path("newpath", 3, 2), flags("flags", 4, atFlags))},
	{NR: linuxabi.SysSymlink, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), Param{Name: "target", R: RPath, Arg: 0, Aux: -2}, path("linkpath", 1, -1))},
	{NR: linuxabi.SysSymlinkat, Kinds: k(0, ArgStr, 2, ArgStr), Params: ps(res(), Param{Name: "target", R: RPath, Arg: 0, Aux: -2}, dirfd("linkdirfd", 1), path("linkpath", 2, 1))},
	{NR: linuxabi.SysUnlink, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1))},
	{NR: linuxabi.SysUnlinkat, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("name", 1, 0), flags("flags", 2, atFlags))},
	{NR: linuxabi.SysRename, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), path("oldpath", 0, -1), path("newpath", 1, -1))},
	{NR: linuxabi.SysRenameat, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("olddirfd", 0), path("oldpath", 1, 0), dirfd("newdirfd", 2), path("newpath", 3, 2))},
	{NR: linuxabi.SysRenameat2, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("olddirfd", 0), path("oldpath", 1, 0), dirfd("newdirfd", 2), path("newpath", 3, 2), flags("flags", 4, renameFlags))},
	{NR: linuxabi.SysMkdir, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), mode("mode", 1))},
	{NR: linuxabi.SysMkdirat, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("path", 1, 0), mode("mode", 2))},
	{NR: linuxabi.SysRmdir, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1))},
	{NR: linuxabi.SysChmod, Kinds: k(0, ArgStr), Params: ps(res(), path("filename", 0, -1), mode("mode", 1))},
	{NR: linuxabi.SysFchmod, FDSrc: 1, Params: ps(res(), fd("fd", 0), mode("mode", 1))},
	{NR: linuxabi.SysFchmodat, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("filename", 1, 0), mode("mode", 2))},
	{NR: linuxabi.SysChown, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), uid("uid", 1), gid("gid", 2))},
	{NR: linuxabi.SysFchownat, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("pathname", 1, 0), uid("uid", 2), gid("gid", 3), flags("flags", 4, atFlags))},
	{NR: linuxabi.SysTruncate, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), dec("length", 1))},
	{NR: linuxabi.SysMknod, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1), mode("mode", 1), hex("dev", 2))},
	{NR: linuxabi.SysMknodat, Kinds: k(1, ArgStr), Params: ps(res(), dirfd("dirfd", 0), path("path", 1, 0), mode("mode", 2), hex("dev", 3))},
	{NR: linuxabi.SysChroot, Kinds: k(0, ArgStr), Params: ps(res(), path("path", 0, -1))},
	{NR: linuxabi.SysMount, Kinds: k(0, ArgStr, 1, ArgStr, 2, ArgStr), Params: ps(res(), Param{Name: "dev", R: RPath, Arg: 0, Aux: -2}, path("dir", 1, -1), Param{Name: "type", R: RPath, Arg: 2, Aux: -2}, flags("flags", 3, mountFlags))},
	{NR: linuxabi.SysUmount2, Kinds: k(0, ArgStr), Params: ps(res(), path("name", 0, -1), flags("flags", 1, umountFlags))},
	// the mount API: a filesystem context (fsopen, fsconfig) becomes a
	// detached mount (fsmount) or a tree is cloned (open_tree), then it is
	// attached (move_mount); strings are read as passed, paths resolved
	{NR: linuxabi.SysOpenTree, Kinds: k(1, ArgStr), Params: ps(fdRet("fd"), dirfd("dirfd", 0), path("path", 1, 0), flags("flags", 2, openTreeFlags))},
	{NR: linuxabi.SysMoveMount, Kinds: k(1, ArgStr, 3, ArgStr), Params: ps(res(), dirfd("from_dirfd", 0), path("from_path", 1, 0), dirfd("to_dirfd", 2), path("to_path", 3, 2), flags("flags", 4, moveMountFlags))},
	{NR: linuxabi.SysFsopen, Kinds: k(0, ArgStr), Params: ps(fdRet("fd"), Param{Name: "fs_name", R: RPath, Arg: 0, Aux: -2}, flags("flags", 1, fsopenFlags))},
	{NR: linuxabi.SysFsconfig, Kinds: k(2, ArgStr, 3, ArgStr), Params: ps(res(), fd("fd", 0), enum("cmd", 1, fsconfigCmd), Param{Name: "key", R: RPath, Arg: 2, Aux: -2}, Param{Name: "value", R: RPath, Arg: 3, Aux: -2}, dec("aux", 4))},
	{NR: linuxabi.SysFsmount, Params: ps(fdRet("fd"), fd("fs_fd", 0), flags("flags", 1, fsmountFlags), flags("attr_flags", 2, mountAttrFlags))},
	{NR: linuxabi.SysPivotRoot, Kinds: k(0, ArgStr, 1, ArgStr), Params: ps(res(), path("new_root", 0, -1), path("put_old", 1, -1))},
	{NR: linuxabi.SysInitModule, Kinds: k(2, ArgStr), Params: ps(res(), udec("length", 1), Param{Name: "uargs", R: RPath, Arg: 2, Aux: -2})},
	{NR: linuxabi.SysFinitModule, Kinds: k(1, ArgStr), FDSrc: 1, Params: ps(res(), fd("fd", 0), Param{Name: "uargs", R: RPath, Arg: 1, Aux: -2}, flags("flags", 2, moduleFlags))},
	{NR: linuxabi.SysDeleteModule, Kinds: k(0, ArgStr), Params: ps(res(), Param{Name: "name", R: RPath, Arg: 0, Aux: -2}, udec("flags", 1))},

	// network
	{NR: linuxabi.SysSocket, FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), enum("domain", 0, sockDomain), udec("type", 1), udec("proto", 2))},
	{NR: linuxabi.SysSocketpair, Kinds: k(3, ArgIntPair), State: true, Params: ps(res(), Param{Name: "fd1", R: RPipeFD0, Arg: 3}, Param{Name: "fd2", R: RPipeFD1, Arg: 3}, enum("domain", 0, sockDomain), udec("type", 1), udec("proto", 2))},
	{NR: linuxabi.SysConnect, Kinds: k(1, ArgSockaddr), FDSrc: 1, State: true, Params: ps(res(), tuple(), fd("fd", 0), sockaddr("addr", 1))},
	{NR: linuxabi.SysAccept, FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), tuple())},
	{NR: linuxabi.SysAccept4, FDSrc: FDRet, State: true, Params: ps(fdRet("fd"), tuple(), flags("flags", 3, sockFlags))},
	{NR: linuxabi.SysBind, Kinds: k(1, ArgSockaddr), FDSrc: 1, State: true, Params: ps(res(), sockaddr("addr", 1), fd("fd", 0))},
	{NR: linuxabi.SysListen, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0), dec("backlog", 1))},
	{NR: linuxabi.SysSendto, Kinds: k(4, ArgSockaddr), FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), udec("size", 2), tuple())},
	{NR: linuxabi.SysSendmsg, Kinds: k(1, ArgMsghdr), FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), tuple())},
	{NR: linuxabi.SysRecvfrom, Kinds: k(4, ArgSockaddrOut), FDSrc: 1, IO: true, Params: ps(res(), tuple(), fd("fd", 0), udec("size", 2))},
	{NR: linuxabi.SysRecvmsg, Kinds: k(1, ArgMsghdr), FDSrc: 1, IO: true, Params: ps(res(), tuple(), fd("fd", 0))},
	{NR: linuxabi.SysRead, FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), udec("size", 2))},
	{NR: linuxabi.SysWrite, FDSrc: 1, IO: true, Params: ps(res(), fd("fd", 0), udec("size", 2))},
	{NR: linuxabi.SysShutdown, FDSrc: 1, Params: ps(res(), fd("fd", 0), dec("how", 1))},

	// processes
	{NR: linuxabi.SysClone, State: true, Params: ps(cloneParams(), flags("flags", 0, cloneFlags))},
	{NR: linuxabi.SysClone3, State: true, Params: cloneParams()},
	{NR: linuxabi.SysFork, State: true, Params: cloneParams()},
	{NR: linuxabi.SysVfork, State: true, Params: cloneParams()},
	{NR: linuxabi.SysExecve, Kinds: k(1, ArgArgv), State: true, Params: ps(execParams(), Param{Name: "flags", R: RExecFlags, Arg: -1})},
	{NR: linuxabi.SysExecveat, Kinds: k(2, ArgArgv), State: true, Params: ps(execParams(), dirfd("dirfd", 0), flags("flags", 4, atFlags))},
	{NR: linuxabi.SysPtrace, Params: ps(res(), hex("addr", 2), hex("data", 3), enum("request", 0, ptraceReq), dec("pid", 1))},
	{NR: linuxabi.SysKill, Params: ps(res(), dec("pid", 0), dec("sig", 1))},
	{NR: linuxabi.SysTgkill, Params: ps(res(), dec("pid", 0), dec("tid", 1), dec("sig", 2))},
	{NR: linuxabi.SysPrctl, Params: ps(res(), dec("option", 0), hex("arg2", 1))},
	{NR: linuxabi.SysSetns, FDSrc: 1, State: true, Params: ps(res(), fd("fd", 0), flags("nstype", 1, cloneFlags))},
	{NR: linuxabi.SysUnshare, State: true, Params: ps(res(), flags("flags", 0, cloneFlags))},
	{NR: linuxabi.SysSetsid, State: true, Params: ps(res())},
	{NR: linuxabi.SysSetpgid, State: true, Params: ps(res(), dec("pid", 0), dec("pgid", 1))},
	{NR: linuxabi.SysBpf, FDSrc: FDRet, Params: ps(fdRet("fd"), enum("cmd", 0, bpfCmd))},
	{NR: linuxabi.SysUserfaultfd, FDSrc: FDRet, Params: ps(fdRet("res"), flags("flags", 0, fdFlags))},
	{NR: linuxabi.SysSeccomp, Params: ps(res(), udec("op", 0), hex("flags", 1))},
	{NR: linuxabi.SysProcessVmReadv, Params: ps(res(), dec("pid", 0))},
	{NR: linuxabi.SysProcessVmWritev, Params: ps(res(), dec("pid", 0))},
	{NR: linuxabi.SysMemfdSecret, FDSrc: FDRet, Params: ps(fdRet("fd"), udec("flags", 0))},
	{NR: linuxabi.SysIoUringSetup, FDSrc: FDRet, Params: ps(fdRet("res"), udec("entries", 0))},
	{NR: linuxabi.SysKexecLoad, Params: ps(res())},
	{NR: linuxabi.SysKexecFileLoad, Params: ps(res(), fd("kernel_fd", 0), fd("initrd_fd", 1))},

	// credentials
	{NR: linuxabi.SysSetuid, State: true, Params: ps(res(), uid("uid", 0))},
	{NR: linuxabi.SysSetgid, State: true, Params: ps(res(), gid("gid", 0))},
	{NR: linuxabi.SysSetreuid, State: true, Params: ps(res(), uid("ruid", 0), uid("euid", 1))},
	{NR: linuxabi.SysSetregid, State: true, Params: ps(res(), gid("rgid", 0), gid("egid", 1))},
	{NR: linuxabi.SysSetresuid, State: true, Params: ps(res(), uid("ruid", 0), uid("euid", 1), uid("suid", 2))},
	{NR: linuxabi.SysSetresgid, State: true, Params: ps(res(), gid("rgid", 0), gid("egid", 1), gid("sgid", 2))},
	{NR: linuxabi.SysSetfsuid, State: true, Params: ps(res(), uid("uid", 0))},
	{NR: linuxabi.SysSetfsgid, State: true, Params: ps(res(), gid("gid", 0))},
	{NR: linuxabi.SysCapset, State: true, Params: ps(res())},
}
