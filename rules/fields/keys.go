package fields

// Attribute keys. OpenTelemetry semantic-convention names are used wherever a
// convention exists; everything else lives under the "vigil." namespace and is
// named after the Falco field it carries. The syscall receiver's README lists
// which of these it writes, and on which events.

var (
	slots    int
	declared []Key
)

func rec(name string) Key { return declare(Key{Name: name, Slot: slots}) }
func res(name string) Key { return declare(Key{Name: name, Resource: true, Slot: slots}) }

// prefix keys are never looked up whole, so they take no cache slot.
func recPrefix(name string) Key { return declare(Key{Name: name, Slot: -1}) }
func resPrefix(name string) Key { return declare(Key{Name: name, Resource: true, Slot: -1}) }

func declare(k Key) Key {
	if k.Slot >= 0 {
		slots++
	}
	declared = append(declared, k)
	return k
}

// NumSlots is the number of distinct cacheable keys, for Event implementations
// that keep a per-event lookup cache indexed by Key.Slot.
func NumSlots() int { return slots }

// Declared returns every key declared in this package, in declaration order.
// Prefix keys (Slot -1) end in "." and carry a per-field suffix at run time.
func Declared() []Key { return append([]Key(nil), declared...) }

// KeyByName returns the declared key with this exact name.
func KeyByName(name string) (Key, bool) {
	for _, k := range declared {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Event identity and syscall result.
var (
	KeyEvtType     = rec("vigil.evt.type")          // syscall name: "openat"
	KeyEvtNum      = rec("vigil.evt.num")           // per-collector sequence number, from 1
	KeyEvtCPU      = rec("vigil.evt.cpu")           // CPU the event was captured on
	KeyEvtRawRes   = rec("vigil.evt.rawres")        // syscall return value
	KeyEvtBuffer   = rec("vigil.evt.buffer")        // I/O payload, only when a rule asks for it
	KeyEvtArg      = recPrefix("vigil.evt.arg.")    // + param name: rendered text ("O_RDONLY|O_CLOEXEC")
	KeyEvtRawArg   = recPrefix("vigil.evt.rawarg.") // + param name: raw integer value
	KeyOpenFlags   = rec("vigil.evt.rawarg.flags")  // raw open(2) flags, for evt.is_open_*
	KeyOpenMode    = rec("vigil.evt.rawarg.mode")   // raw open(2) mode, for evt.is_open_exec
	KeyOpenCreated = rec("vigil.evt.open_created")  // the open created the file (O_CREAT and it did not exist)
)

// Process (the thread that made the syscall) and its ancestry. The process
// context is on the Resource, as OpenTelemetry's semantic conventions put
// process.* there: the syscall receiver emits one ResourceLogs per process
// state (a process's context between two changes of it: exec, credential and
// cwd changes, a changed ancestry) instead of repeating ~75 values on every
// record. Only the thread ids and the environment (written on exec records
// only) stay on the record.
var (
	KeyProcPID         = res("process.pid")
	KeyProcVPID        = res("process.vpid")
	KeyThreadTID       = rec("thread.id")
	KeyThreadVTID      = rec("vigil.thread.vtid")
	KeyProcPPID        = res("process.parent_pid")
	KeyProcName        = res("process.executable.name") // Falco proc.name: the task comm
	KeyProcExe         = res("process.command")         // argv[0]
	KeyProcExePath     = res("process.executable.path")
	KeyProcCmdline     = res("process.command_line") // comm + " " + args, as Falco builds it
	KeyProcArgs        = res("process.command_args") // argv, including argv[0]
	KeyProcCwd         = res("process.working_directory")
	KeyProcTTY         = res("vigil.proc.tty")      // encoded dev_t of the controlling tty, 0 = none
	KeyProcInteractive = res("process.interactive") // has a controlling tty
	KeyProcSID         = res("process.session_leader.pid")
	KeyProcSName       = res("vigil.proc.sname")
	KeyProcPGID        = res("process.group_leader.pid")
	KeyProcVPGID       = res("vigil.proc.vpgid")
	KeyProcStartTime   = res("vigil.proc.start_ts") // process start, ns since epoch
	KeyProcEnv         = recPrefix("process.environment_variable.")
	KeyProcExeIno      = res("vigil.proc.exe_ino")
	KeyProcExeCtime    = res("vigil.proc.exe_ino.ctime")
	KeyProcExeMtime    = res("vigil.proc.exe_ino.mtime")
	KeyProcExeWritable = res("vigil.proc.is_exe_writable")
	KeyProcExeUpper    = res("vigil.proc.is_exe_upper_layer")
	KeyProcExeMemfd    = res("vigil.proc.is_exe_from_memfd")
	KeyCapPermitted    = res("vigil.thread.cap_permitted")
	KeyCapEffective    = res("vigil.thread.cap_effective")
	KeyCapInheritable  = res("vigil.thread.cap_inheritable")
	KeyProcExeLower    = res("vigil.proc.is_exe_lower_layer")

	// Ancestors, nearest first: element 0 is the parent, 1 the grandparent.
	KeyAncNames    = res("vigil.proc.anames")
	KeyAncPIDs     = res("vigil.proc.apids")
	KeyAncExes     = res("vigil.proc.aexes")
	KeyAncExePaths = res("vigil.proc.aexepaths")
	KeyAncCmdlines = res("vigil.proc.acmdlines")
)

// User and group of the process (on the Resource, with the process).
var (
	KeyUserUID       = res("process.user.id") // effective uid
	KeyUserName      = res("process.user.name")
	KeyUserHome      = res("vigil.user.homedir")
	KeyUserShell     = res("vigil.user.shell")
	KeyUserLoginUID  = res("vigil.user.loginuid") // -1 when unset
	KeyUserLoginName = res("vigil.user.loginname")
	KeyGroupGID      = res("vigil.group.gid")
	KeyGroupName     = res("vigil.group.name")
)

// The file descriptor the event operates on.
var (
	KeyFDNum         = rec("vigil.fd.num")
	KeyFDType        = rec("vigil.fd.type") // file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd
	KeyFilePath      = rec("file.path")     // absolute path, for file and directory fds
	KeyFDName        = rec("vigil.fd.name") // name of a non-file fd: socket tuple, unix path, pipe:[ino]
	KeyFDNameRaw     = rec("vigil.fd.nameraw")
	KeyFDNameChanged = rec("vigil.fd.name_changed")
	KeyFDConnected   = rec("vigil.fd.connected")
	KeyFDIsServer    = rec("vigil.fd.is_server")
	KeyFDDev         = rec("vigil.fd.dev")
	KeyFDIno         = rec("vigil.fd.ino")
	KeyL4Proto       = rec("network.transport") // tcp, udp, icmp, raw
	KeyClientAddr    = rec("client.address")
	KeyClientPort    = rec("client.port")
	KeyServerAddr    = rec("server.address")
	KeyServerPort    = rec("server.port")
	KeyLocalAddr     = rec("network.local.address")
	KeyLocalPort     = rec("network.local.port")
	KeyPeerAddr      = rec("network.peer.address")
	KeyPeerPort      = rec("network.peer.port")
	KeyClientName    = rec("vigil.fd.cip.name")
	KeyServerName    = rec("vigil.fd.sip.name")
	KeyLocalName     = rec("vigil.fd.lip.name")
	KeyPeerName      = rec("vigil.fd.rip.name")
)

// Resource: host, container and Kubernetes identity. container.id is the full
// 64-hex id the receiver reads from the cgroup path; the k8s.* and
// container.image.* keys are the ones the contrib k8s_attributes processor
// writes.
var (
	KeyHostName            = res("host.name")
	KeyContainerID         = res("container.id")
	KeyContainerName       = res("container.name")
	KeyK8sContainer        = res("k8s.container.name")
	KeyContainerRuntime    = res("container.runtime.name")
	KeyImageName           = res("container.image.name")
	KeyImageTag            = res("container.image.tag")
	KeyImageID             = res("container.image.id")
	KeyImageDigest         = res("vigil.container.image.digest")
	KeyContainerPriv       = res("vigil.container.privileged")
	KeyContainerStart      = res("vigil.container.start_ts")
	KeyContainerIP         = res("vigil.container.ip")
	KeyContainerCNI        = res("vigil.container.cni.json")
	KeyContainerHostPID    = res("vigil.container.host_pid")
	KeyContainerHostNet    = res("vigil.container.host_network")
	KeyContainerHostIPC    = res("vigil.container.host_ipc")
	KeyContainerMounts     = res("vigil.container.mounts")      // "source:dest:mode:rdwr:propagation" per mount
	KeyContainerMountDests = res("vigil.container.mount.dests") // destinations, same order as mounts
	KeyContainerLabel      = resPrefix("container.label.")
	KeyPodName             = res("k8s.pod.name")
	KeyPodUID              = res("k8s.pod.uid")
	KeyPodIP               = res("k8s.pod.ip")
	KeyPodSandboxID        = res("vigil.k8s.pod.sandbox_id")
	KeyPodCNI              = res("vigil.k8s.pod.cni.json")
	KeyPodLabel            = resPrefix("k8s.pod.labels.")
	KeyNamespaceName       = res("k8s.namespace.name")
	KeyNamespaceUID        = res("vigil.k8s.namespace.uid")
	KeyNamespaceLabel      = resPrefix("k8s.namespace.labels.")
	KeyDeploymentName      = res("k8s.deployment.name")
	KeyDeploymentUID       = res("k8s.deployment.uid")
	KeyReplicaSetName      = res("k8s.replicaset.name")
	KeyReplicaSetUID       = res("k8s.replicaset.uid")
	KeyServiceName         = res("vigil.k8s.service.name")
	KeyNodeName            = res("k8s.node.name")
)
