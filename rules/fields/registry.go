package fields

import (
	"sort"
	"strings"

	"github.com/vigil-sec/vigil/eventattr"
)

func keys(k ...Key) []Key { return k }

// openKeys feed evt.is_open_*: raw flags, mode, the created flag, and the
// event type and return value that decide whether the flags apply.
var openKeys = keys(KeyOpenFlags, KeyOpenMode, KeyOpenCreated, KeyEvtType, KeyEvtRawRes)

// registry is ordered by Falco field class; Lookup uses byName.
var registry = []*Field{
	// evt: the event itself.
	{Name: "evt.num", Type: Int, Keys: keys(KeyEvtNum), Desc: "event sequence number"},
	{Name: "evt.time", Type: AbsTime, Extract: Time, Desc: "event timestamp; printed as local time of day with nanoseconds"},
	{Name: "evt.time.s", Type: AbsTime, Extract: Time, Desc: "event timestamp; printed as local time of day in seconds"},
	{Name: "evt.time.iso8601", Type: AbsTime, Extract: Time, Desc: "event timestamp; printed as ISO 8601 UTC"},
	{Name: "evt.datetime", Type: AbsTime, Extract: Time, Desc: "event timestamp; printed as date and time"},
	{Name: "evt.rawtime", Type: AbsTime, Extract: Time, Desc: "event timestamp in ns since the epoch"},
	{Name: "evt.type", Type: String, Keys: keys(KeyEvtType), Desc: "syscall name, e.g. openat"},
	{Name: "evt.dir", Type: String, Extract: Constant, Const: "<", Desc: "event direction; always < (exit), the only direction captured"},
	{Name: "evt.source", Type: String, Extract: EventSource, Const: eventattr.SourceSyscall, Desc: "event source: syscall or k8s_audit"},
	{Name: "evt.cpu", Type: Int, Keys: keys(KeyEvtCPU), Desc: "CPU the event was captured on"},
	{Name: "evt.hostname", Type: String, Keys: keys(KeyHostName), Desc: "host name"},
	{Name: "evt.arg", Type: String, Arg: ArgIndexOrKey, ArgRequired: true, Keys: keys(KeyEvtArg), Extract: EvtArg, Desc: "one syscall parameter, by name or index, rendered as text (flag names, errno names)"},
	{Name: "evt.rawarg", Type: Int, Arg: ArgKey, ArgRequired: true, Keys: keys(KeyEvtRawArg), Extract: Prefixed, NoRHS: true, NoTransformer: true, Desc: "one syscall parameter as its raw number"},
	{Name: "evt.args", Type: String, Keys: keys(KeyEvtArg), Extract: EvtArgs, Desc: "all syscall parameters as name=value pairs"},
	{Name: "evt.res", Type: String, Keys: keys(KeyEvtRawRes), Extract: ErrnoName, Desc: "return value as SUCCESS or an errno name"},
	{Name: "evt.rawres", Type: Int, Keys: keys(KeyEvtRawRes), Desc: "return value as a number"},
	{Name: "evt.failed", Type: Bool, Keys: keys(KeyEvtRawRes), Extract: Failed, Desc: "the syscall returned an error"},
	{Name: "evt.is_open_read", Type: Bool, Keys: openKeys, Extract: IsOpenRead, Desc: "an open that asked for read access"},
	{Name: "evt.is_open_write", Type: Bool, Keys: openKeys, Extract: IsOpenWrite, Desc: "an open that asked for write access"},
	{Name: "evt.is_open_exec", Type: Bool, Keys: openKeys, Extract: IsOpenExec, Desc: "an open that created a file with an execute bit"},
	{Name: "evt.is_open_create", Type: Bool, Keys: openKeys, Extract: IsOpenCreate, Desc: "an open that created the file"},
	{Name: "evt.buffer", Type: Bytes, Keys: keys(KeyEvtBuffer), Desc: "I/O payload of a read or write"},

	// proc and thread: the process that made the syscall.
	{Name: "proc.pid", Type: Int, Keys: keys(KeyProcPID), Desc: "process id (tgid) in the host pid namespace"},
	{Name: "proc.vpid", Type: Int, Keys: keys(KeyProcVPID), Desc: "process id in its own pid namespace"},
	{Name: "proc.ppid", Type: Int, Keys: keys(KeyProcPPID), Desc: "parent process id"},
	{Name: "thread.tid", Type: Int, Keys: keys(KeyThreadTID), Desc: "thread id"},
	{Name: "thread.vtid", Type: Int, Keys: keys(KeyThreadVTID), Desc: "thread id in its own pid namespace"},
	{Name: "proc.name", Type: String, Keys: keys(KeyProcName), Desc: "process name (task comm, at most 15 characters)"},
	{Name: "proc.exe", Type: String, Keys: keys(KeyProcExe), Desc: "argv[0]"},
	{Name: "proc.exepath", Type: String, Keys: keys(KeyProcExePath), Desc: "full path of the executable"},
	{Name: "proc.args", Type: String, Arg: ArgIndex, Keys: keys(KeyProcCmdline, KeyProcName, KeyProcArgs), Extract: ProcArgs, Desc: "arguments (argv[1:]) joined by spaces; [N] is the N-th argument"},
	{Name: "proc.cmdnargs", Type: Int, Keys: keys(KeyProcArgs), Extract: ArgCount, Desc: "number of arguments"},
	{Name: "proc.cmdline", Type: String, Keys: keys(KeyProcCmdline), Desc: "process name followed by its arguments"},
	{Name: "proc.cwd", Type: String, Keys: keys(KeyProcCwd), Desc: "current working directory"},
	{Name: "proc.tty", Type: Int, Keys: keys(KeyProcTTY), Desc: "controlling terminal as an encoded device number; 0 for none"},
	{Name: "proc.sid", Type: Int, Keys: keys(KeyProcSID), Desc: "session id"},
	{Name: "proc.sname", Type: String, Keys: keys(KeyProcSName), Desc: "name of the session leader"},
	{Name: "proc.pgid", Type: Int, Keys: keys(KeyProcPGID), Desc: "process group id"},
	{Name: "proc.vpgid", Type: Int, Keys: keys(KeyProcVPGID), Desc: "process group id in the process's own pid namespace"},
	{Name: "proc.is_vpgid_leader", Type: Bool, Keys: keys(KeyProcVPGID, KeyProcVPID), Extract: SameInt, Desc: "the process leads its process group"},
	{Name: "proc.is_sid_leader", Type: Bool, Keys: keys(KeyProcSID, KeyProcVPID), Extract: SameInt, Desc: "the process leads its session"},
	{Name: "proc.pid.ts", Type: RelTime, Keys: keys(KeyProcStartTime), Desc: "process start time, ns since the epoch"},
	{Name: "thread.ismain", Type: Bool, Keys: keys(KeyThreadTID, KeyProcPID), Extract: SameInt, Desc: "the thread is the process's main thread"},
	{Name: "proc.pname", Type: String, Keys: keys(KeyAncNames), Extract: Parent, Desc: "parent process name"},
	{Name: "proc.pcmdline", Type: String, Keys: keys(KeyAncCmdlines), Extract: Parent, Desc: "parent command line"},
	{Name: "proc.pexe", Type: String, Keys: keys(KeyAncExes), Extract: Parent, Desc: "parent argv[0]"},
	{Name: "proc.pexepath", Type: String, Keys: keys(KeyAncExePaths), Extract: Parent, Desc: "parent executable path"},
	{Name: "proc.aname", Type: String, Arg: ArgIndex, Keys: keys(KeyProcName, KeyAncNames), Extract: Ancestor, NoRHS: true, NoTransformer: true, Desc: "name of the N-th ancestor ([0] is the process); without an index, any ancestor"},
	{Name: "proc.apid", Type: Int, Arg: ArgIndex, Keys: keys(KeyProcPID, KeyAncPIDs), Extract: Ancestor, NoRHS: true, NoTransformer: true, Desc: "pid of the N-th ancestor"},
	{Name: "proc.aexe", Type: String, Arg: ArgIndex, Keys: keys(KeyProcExe, KeyAncExes), Extract: Ancestor, NoRHS: true, NoTransformer: true, Desc: "argv[0] of the N-th ancestor"},
	{Name: "proc.aexepath", Type: String, Arg: ArgIndex, Keys: keys(KeyProcExePath, KeyAncExePaths), Extract: Ancestor, NoRHS: true, NoTransformer: true, Desc: "executable path of the N-th ancestor"},
	{Name: "proc.acmdline", Type: String, Arg: ArgIndex, Keys: keys(KeyProcCmdline, KeyAncCmdlines), Extract: Ancestor, NoRHS: true, NoTransformer: true, Desc: "command line of the N-th ancestor"},
	{Name: "proc.env", Type: String, Arg: ArgKey, Keys: keys(KeyProcEnv), Extract: Prefixed, Desc: "environment; [NAME] is one variable"},
	{Name: "proc.duration", Type: RelTime, Keys: keys(KeyProcStartTime), Extract: SinceStart, Desc: "time since the process started"},
	{Name: "proc.exe_ino", Type: Int, Keys: keys(KeyProcExeIno), Desc: "inode of the executable"},
	{Name: "proc.exe_ino.ctime", Type: AbsTime, Keys: keys(KeyProcExeCtime), Desc: "ctime of the executable"},
	{Name: "proc.exe_ino.mtime", Type: AbsTime, Keys: keys(KeyProcExeMtime), Desc: "mtime of the executable"},
	{Name: "proc.exe_ino.ctime_duration_proc_start", Type: RelTime, Keys: keys(KeyProcStartTime, KeyProcExeCtime), Extract: Difference, Desc: "time between the executable's last status change and the process start"},
	{Name: "proc.is_exe_writable", Type: Bool, Keys: keys(KeyProcExeWritable), Desc: "the executable is writable by the process's user"},
	{Name: "proc.is_exe_upper_layer", Type: Bool, Keys: keys(KeyProcExeUpper), Desc: "the executable lives in an overlayfs upper layer"},
	{Name: "proc.is_exe_lower_layer", Type: Bool, Keys: keys(KeyProcExeLower), Desc: "the executable lives in an overlayfs lower (image) layer"},
	{Name: "proc.is_exe_from_memfd", Type: Bool, Keys: keys(KeyProcExeMemfd), Desc: "the executable is a memfd"},
	{Name: "thread.cap_permitted", Type: String, Keys: keys(KeyCapPermitted), Desc: "permitted capabilities, space separated"},
	{Name: "thread.cap_effective", Type: String, Keys: keys(KeyCapEffective), Desc: "effective capabilities, space separated"},
	{Name: "thread.cap_inheritable", Type: String, Keys: keys(KeyCapInheritable), Desc: "inheritable capabilities, space separated"},

	// user and group.
	{Name: "user.uid", Type: Int, Keys: keys(KeyUserUID), Desc: "effective user id"},
	{Name: "user.name", Type: String, Keys: keys(KeyUserName), Desc: "effective user name"},
	{Name: "user.homedir", Type: String, Keys: keys(KeyUserHome), Desc: "home directory of the user"},
	{Name: "user.shell", Type: String, Keys: keys(KeyUserShell), Desc: "login shell of the user"},
	{Name: "user.loginuid", Type: Int, Keys: keys(KeyUserLoginUID), Desc: "audit login uid; -1 when unset"},
	{Name: "user.loginname", Type: String, Keys: keys(KeyUserLoginName), Desc: "name of the audit login user"},
	{Name: "group.gid", Type: Int, Keys: keys(KeyGroupGID), Desc: "effective group id"},
	{Name: "group.name", Type: String, Keys: keys(KeyGroupName), Desc: "effective group name"},

	// fd: the file descriptor the event operates on.
	{Name: "fd.num", Type: Int, Keys: keys(KeyFDNum), Desc: "fd number; -1 on failure"},
	{Name: "fd.type", Type: String, Keys: keys(KeyFDType), Desc: "fd type: file, directory, ipv4, ipv6, unix, pipe, ..."},
	{Name: "fd.typechar", Type: String, Keys: keys(KeyFDType), Extract: TypeChar, Desc: "fd type as one character: f d 4 6 u p e s l i b r m o"},
	{Name: "fd.name", Type: String, Keys: keys(KeyFilePath, KeyFDName), Desc: "file path, or socket tuple, or other fd name"},
	{Name: "fd.nameraw", Type: String, Keys: keys(KeyFDNameRaw), Desc: "path as the process passed it"},
	{Name: "fd.directory", Type: String, Keys: keys(KeyFilePath, KeyFDType), Extract: Directory, Desc: "directory of a file fd"},
	{Name: "fd.filename", Type: String, Keys: keys(KeyFilePath, KeyFDType), Extract: Filename, Desc: "base name of a file fd"},
	{Name: "fd.name_changed", Type: Bool, Keys: keys(KeyFDNameChanged), Desc: "the event changed the fd's name (e.g. a UDP connect)"},
	{Name: "fd.connected", Type: Bool, Keys: keys(KeyFDConnected), Desc: "the socket is connected"},
	{Name: "fd.is_server", Type: Bool, Keys: keys(KeyFDIsServer), Desc: "the process is the server side of the socket"},
	{Name: "fd.dev", Type: Int, Keys: keys(KeyFDDev), Desc: "device number of the file"},
	{Name: "fd.ino", Type: Int, Keys: keys(KeyFDIno), Desc: "inode number of the file"},
	{Name: "fd.l4proto", Type: String, Keys: keys(KeyL4Proto), Desc: "transport: tcp, udp, icmp or raw"},
	{Name: "fd.sockfamily", Type: String, Keys: keys(KeyFDType), Extract: SockFamily, Desc: "socket family: ip or unix"},
	{Name: "fd.cip", Type: IPAddr, Keys: keys(KeyClientAddr), Desc: "client address"},
	{Name: "fd.sip", Type: IPAddr, Keys: keys(KeyServerAddr), Desc: "server address"},
	{Name: "fd.lip", Type: IPAddr, Keys: keys(KeyLocalAddr), Desc: "local address"},
	{Name: "fd.rip", Type: IPAddr, Keys: keys(KeyPeerAddr), Desc: "remote address"},
	{Name: "fd.ip", Type: IPAddr, Keys: keys(KeyClientAddr, KeyServerAddr), Extract: Either, FilterOnly: true, Desc: "client or server address"},
	{Name: "fd.cport", Type: Port, Keys: keys(KeyClientPort), Desc: "client port"},
	{Name: "fd.sport", Type: Port, Keys: keys(KeyServerPort), Desc: "server port"},
	{Name: "fd.lport", Type: Port, Keys: keys(KeyLocalPort), Desc: "local port"},
	{Name: "fd.rport", Type: Port, Keys: keys(KeyPeerPort), Desc: "remote port"},
	{Name: "fd.port", Type: Port, Keys: keys(KeyClientPort, KeyServerPort), Extract: Either, FilterOnly: true, Desc: "client or server port"},
	{Name: "fd.net", Type: IPNet, Keys: keys(KeyClientAddr, KeyServerAddr), Extract: Either, FilterOnly: true, NoRHS: true, Desc: "client or server address, compared against a CIDR"},
	{Name: "fd.cnet", Type: IPNet, Keys: keys(KeyClientAddr), FilterOnly: true, NoRHS: true, Desc: "client address, compared against a CIDR"},
	{Name: "fd.snet", Type: IPNet, Keys: keys(KeyServerAddr), FilterOnly: true, NoRHS: true, Desc: "server address, compared against a CIDR"},
	{Name: "fd.lnet", Type: IPNet, Keys: keys(KeyLocalAddr), FilterOnly: true, NoRHS: true, Desc: "local address, compared against a CIDR"},
	{Name: "fd.rnet", Type: IPNet, Keys: keys(KeyPeerAddr), FilterOnly: true, NoRHS: true, Desc: "remote address, compared against a CIDR"},
	{Name: "fd.cip.name", Type: String, Keys: keys(KeyClientName), NoRHS: true, Desc: "DNS name of the client address"},
	{Name: "fd.sip.name", Type: String, Keys: keys(KeyServerName), NoRHS: true, Desc: "DNS name of the server address"},
	{Name: "fd.lip.name", Type: String, Keys: keys(KeyLocalName), NoRHS: true, Desc: "DNS name of the local address"},
	{Name: "fd.rip.name", Type: String, Keys: keys(KeyPeerName), NoRHS: true, Desc: "DNS name of the remote address"},

	// container: from the Resource.
	{Name: "container.id", Type: String, Keys: keys(KeyContainerID), Extract: ContainerID, Desc: "container id truncated to 12 characters; host for host processes"},
	{Name: "container.full_id", Type: String, Keys: keys(KeyContainerID), Extract: ContainerFullID, Desc: "full container id; host for host processes"},
	{Name: "container.name", Type: String, Keys: keys(KeyContainerID, KeyContainerName, KeyK8sContainer), Extract: HostDefault, Desc: "container name; host for host processes"},
	{Name: "container.image", Type: String, Keys: keys(KeyImageName, KeyImageTag), Extract: ImageRef, Desc: "image reference repository:tag"},
	{Name: "container.image.id", Type: String, Keys: keys(KeyImageID), Desc: "image id"},
	{Name: "container.image.repository", Type: String, Keys: keys(KeyImageName), Desc: "image repository, without tag or digest"},
	{Name: "container.image.tag", Type: String, Keys: keys(KeyImageTag), Desc: "image tag"},
	{Name: "container.image.digest", Type: String, Keys: keys(KeyImageDigest), Desc: "image digest"},
	{Name: "container.type", Type: String, Keys: keys(KeyContainerRuntime), Desc: "container runtime: docker, containerd, cri-o, podman"},
	{Name: "container.privileged", Type: Bool, Keys: keys(KeyContainerPriv), Desc: "the container runs privileged"},
	{Name: "container.start_ts", Type: AbsTime, Keys: keys(KeyContainerStart), Desc: "container start time"},
	{Name: "container.duration", Type: RelTime, Keys: keys(KeyContainerStart), Extract: SinceStart, Desc: "time since the container started"},
	{Name: "container.ip", Type: IPAddr, Keys: keys(KeyContainerIP), Desc: "container IP address"},
	{Name: "container.cni.json", Type: String, Keys: keys(KeyContainerCNI), Desc: "CNI result as JSON"},
	{Name: "container.host_pid", Type: Bool, Keys: keys(KeyContainerHostPID), Desc: "the container shares the host pid namespace"},
	{Name: "container.host_network", Type: Bool, Keys: keys(KeyContainerHostNet), Desc: "the container shares the host network namespace"},
	{Name: "container.host_ipc", Type: Bool, Keys: keys(KeyContainerHostIPC), Desc: "the container shares the host IPC namespace"},
	{Name: "container.mounts", Type: String, Keys: keys(KeyContainerMounts), List: true, Desc: "mounts as source:dest:mode:rdwr:propagation"},
	{Name: "container.mount.dest", Type: String, Arg: ArgIndexOrKey, ArgRequired: true, Keys: keys(KeyContainerMountDests, KeyContainerMounts), Extract: MountDest, Desc: "[N] is the destination of the N-th mount; [PATTERN] the destination of the first mount whose source matches the glob PATTERN"},
	{Name: "container.label", Type: String, Arg: ArgKey, Keys: keys(KeyContainerLabel), Extract: Prefixed, Desc: "container labels; [KEY] is one label"},

	// k8s: written on the Resource by the k8s_attributes processor.
	{Name: "k8s.pod.name", Type: String, Keys: keys(KeyPodName), Desc: "pod name"},
	{Name: "k8s.pod.id", Type: String, Keys: keys(KeyPodUID), Desc: "pod uid"},
	{Name: "k8s.pod.uid", Type: String, Keys: keys(KeyPodUID), Desc: "pod uid"},
	{Name: "k8s.pod.ip", Type: IPAddr, Keys: keys(KeyPodIP), Desc: "pod IP address"},
	{Name: "k8s.pod.sandbox_id", Type: String, Keys: keys(KeyPodSandboxID), Extract: ShortID, Desc: "pod sandbox id (12 characters)"},
	{Name: "k8s.pod.full_sandbox_id", Type: String, Keys: keys(KeyPodSandboxID), Desc: "pod sandbox id"},
	{Name: "k8s.pod.cni.json", Type: String, Keys: keys(KeyPodCNI), Desc: "pod CNI result as JSON"},
	{Name: "k8s.pod.label", Type: String, Arg: ArgKey, Keys: keys(KeyPodLabel), Extract: Prefixed, Desc: "pod labels; [KEY] is one label"},
	{Name: "k8s.pod.labels", Type: String, Keys: keys(KeyPodLabel), Extract: Prefixed, Desc: "all pod labels"},
	{Name: "k8s.ns.name", Type: String, Keys: keys(KeyNamespaceName), Desc: "namespace name"},
	{Name: "k8s.ns.id", Type: String, Keys: keys(KeyNamespaceUID), Desc: "namespace uid"},
	{Name: "k8s.ns.label", Type: String, Arg: ArgKey, Keys: keys(KeyNamespaceLabel), Extract: Prefixed, Desc: "namespace labels; [KEY] is one label"},
	{Name: "k8s.ns.labels", Type: String, Keys: keys(KeyNamespaceLabel), Extract: Prefixed, Desc: "all namespace labels"},
	{Name: "k8s.deployment.name", Type: String, Keys: keys(KeyDeploymentName), Desc: "deployment name"},
	{Name: "k8s.deployment.id", Type: String, Keys: keys(KeyDeploymentUID), Desc: "deployment uid"},
	{Name: "k8s.rs.name", Type: String, Keys: keys(KeyReplicaSetName), Desc: "replica set name"},
	{Name: "k8s.rs.id", Type: String, Keys: keys(KeyReplicaSetUID), Desc: "replica set uid"},
	{Name: "k8s.svc.name", Type: String, Keys: keys(KeyServiceName), Desc: "service name"},
	{Name: "k8s.node.name", Type: String, Keys: keys(KeyNodeName), Desc: "node name"},
}

var byName = func() map[string]*Field {
	m := make(map[string]*Field, len(registry))
	for _, f := range registry {
		if m[f.Name] != nil {
			panic("fields: duplicate field " + f.Name)
		}
		m[f.Name] = f
	}
	return m
}()

// Lookup returns the field with exactly this name.
func Lookup(name string) (*Field, bool) {
	f, ok := byName[name]
	return f, ok
}

// Resolve splits a dotted field token as the rules language does: an exact
// name wins; otherwise the longest registered prefix that takes a key
// argument owns the rest as its argument ("evt.arg.flags" is evt.arg with
// argument "flags", "k8s.pod.label.app" is k8s.pod.label with "app").
func Resolve(token string) (f *Field, arg string, ok bool) {
	if f, ok := byName[token]; ok {
		return f, "", true
	}
	for i := len(token) - 1; i > 0; i-- {
		if token[i] != '.' {
			continue
		}
		if f, ok := byName[token[:i]]; ok && (f.Arg == ArgKey || f.Arg == ArgIndexOrKey) && i+1 < len(token) {
			return f, token[i+1:], true
		}
	}
	return nil, "", false
}

// All returns every registered field, sorted by name.
func All() []*Field {
	out := append([]*Field(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Class returns the part of a field name before the first dot ("proc").
func (f *Field) Class() string {
	if i := strings.IndexByte(f.Name, '.'); i > 0 {
		return f.Name[:i]
	}
	return f.Name
}
