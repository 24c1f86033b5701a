package fields

import "github.com/vigil-sec/vigil/eventattr"

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
	KeyEvtType     = rec(eventattr.EvtType)               // syscall name: "openat"
	KeyEvtNum      = rec(eventattr.EvtNum)                // per-collector sequence number, from 1
	KeyEvtCPU      = rec(eventattr.EvtCPU)                // CPU the event was captured on
	KeyEvtRawRes   = rec(eventattr.EvtRawRes)             // syscall return value
	KeyEvtBuffer   = rec(eventattr.EvtBuffer)             // I/O payload, only when a rule asks for it
	KeyEvtArg      = recPrefix(eventattr.EvtArgPrefix)    // + param name: rendered text ("O_RDONLY|O_CLOEXEC")
	KeyEvtRawArg   = recPrefix(eventattr.EvtRawArgPrefix) // + param name: raw integer value
	KeyOpenFlags   = rec(eventattr.OpenFlags)             // raw open(2) flags, for evt.is_open_*
	KeyOpenMode    = rec(eventattr.OpenMode)              // raw open(2) mode, for evt.is_open_exec
	KeyOpenCreated = rec(eventattr.OpenCreated)           // the open created the file (O_CREAT and it did not exist)
)

// Process (the thread that made the syscall) and its ancestry. The process
// context is on the Resource, as OpenTelemetry's semantic conventions put
// process.* there: the syscall receiver emits one ResourceLogs per process
// state (a process's context between two changes of it: exec, credential and
// cwd changes, a changed ancestry) instead of repeating ~75 values on every
// record. Only the thread ids and the environment (written on exec records
// only) stay on the record.
var (
	KeyProcPID         = res(eventattr.ProcPID)
	KeyProcVPID        = res(eventattr.ProcVPID)
	KeyThreadTID       = rec(eventattr.ThreadTID)
	KeyThreadVTID      = rec(eventattr.ThreadVTID)
	KeyProcPPID        = res(eventattr.ProcPPID)
	KeyProcName        = res(eventattr.ProcName) // Falco proc.name: the task comm
	KeyProcExe         = res(eventattr.ProcExe)  // argv[0]
	KeyProcExePath     = res(eventattr.ProcExePath)
	KeyProcCmdline     = res(eventattr.ProcCmdline) // comm + " " + args, as Falco builds it
	KeyProcArgs        = res(eventattr.ProcArgs)    // argv, including argv[0]
	KeyProcCwd         = res(eventattr.ProcCwd)
	KeyProcTTY         = res(eventattr.ProcTTY)         // encoded dev_t of the controlling tty, 0 = none
	KeyProcInteractive = res(eventattr.ProcInteractive) // has a controlling tty
	KeyProcSID         = res(eventattr.ProcSID)
	KeyProcSName       = res(eventattr.ProcSName)
	KeyProcPGID        = res(eventattr.ProcPGID)
	KeyProcVPGID       = res(eventattr.ProcVPGID)
	KeyProcStartTime   = res(eventattr.ProcStartTime) // process start, ns since epoch
	KeyProcEnv         = recPrefix(eventattr.ProcEnvPrefix)
	KeyProcExeIno      = res(eventattr.ProcExeIno)
	KeyProcExeCtime    = res(eventattr.ProcExeCtime)
	KeyProcExeMtime    = res(eventattr.ProcExeMtime)
	KeyProcExeWritable = res(eventattr.ProcExeWritable)
	KeyProcExeUpper    = res(eventattr.ProcExeUpper)
	KeyProcExeMemfd    = res(eventattr.ProcExeMemfd)
	KeyCapPermitted    = res(eventattr.CapPermitted)
	KeyCapEffective    = res(eventattr.CapEffective)
	KeyCapInheritable  = res(eventattr.CapInheritable)
	KeyProcExeLower    = res(eventattr.ProcExeLower)

	// Ancestors, nearest first: element 0 is the parent, 1 the grandparent.
	KeyAncNames    = res(eventattr.AncNames)
	KeyAncPIDs     = res(eventattr.AncPIDs)
	KeyAncExes     = res(eventattr.AncExes)
	KeyAncExePaths = res(eventattr.AncExePaths)
	KeyAncCmdlines = res(eventattr.AncCmdlines)
)

// User and group of the process (on the Resource, with the process).
var (
	KeyUserUID       = res(eventattr.UserUID) // effective uid
	KeyUserName      = res(eventattr.UserName)
	KeyUserHome      = res(eventattr.UserHome)
	KeyUserShell     = res(eventattr.UserShell)
	KeyUserLoginUID  = res(eventattr.UserLoginUID) // -1 when unset
	KeyUserLoginName = res(eventattr.UserLoginName)
	KeyGroupGID      = res(eventattr.GroupGID)
	KeyGroupName     = res(eventattr.GroupName)
)

// The file descriptor the event operates on.
var (
	KeyFDNum         = rec(eventattr.FDNum)
	KeyFDType        = rec(eventattr.FDType)   // file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd
	KeyFilePath      = rec(eventattr.FilePath) // absolute path, for file and directory fds
	KeyFDName        = rec(eventattr.FDName)   // name of a non-file fd: socket tuple, unix path, pipe:[ino]
	KeyFDNameRaw     = rec(eventattr.FDNameRaw)
	KeyFDNameChanged = rec(eventattr.FDNameChanged)
	KeyFDConnected   = rec(eventattr.FDConnected)
	KeyFDIsServer    = rec(eventattr.FDIsServer)
	KeyFDDev         = rec(eventattr.FDDev)
	KeyFDIno         = rec(eventattr.FDIno)
	KeyL4Proto       = rec(eventattr.L4Proto) // tcp, udp, icmp, raw
	KeyClientAddr    = rec(eventattr.ClientAddr)
	KeyClientPort    = rec(eventattr.ClientPort)
	KeyServerAddr    = rec(eventattr.ServerAddr)
	KeyServerPort    = rec(eventattr.ServerPort)
	KeyLocalAddr     = rec(eventattr.LocalAddr)
	KeyLocalPort     = rec(eventattr.LocalPort)
	KeyPeerAddr      = rec(eventattr.PeerAddr)
	KeyPeerPort      = rec(eventattr.PeerPort)
	KeyClientName    = rec(eventattr.ClientName)
	KeyServerName    = rec(eventattr.ServerName)
	KeyLocalName     = rec(eventattr.LocalName)
	KeyPeerName      = rec(eventattr.PeerName)
)

// Resource: host, container and Kubernetes identity. container.id is the full
// 64-hex id the receiver reads from the cgroup path; the k8s.* and
// container.image.* keys are the ones the contrib k8s_attributes processor
// writes.
var (
	KeyHostName            = res(eventattr.HostName)
	KeyContainerID         = res(eventattr.ContainerID)
	KeyContainerName       = res(eventattr.ContainerName)
	KeyK8sContainer        = res(eventattr.K8sContainer)
	KeyContainerRuntime    = res(eventattr.ContainerRuntime)
	KeyImageName           = res(eventattr.ImageName)
	KeyImageTag            = res(eventattr.ImageTag)
	KeyImageID             = res(eventattr.ImageID)
	KeyImageDigest         = res(eventattr.ImageDigest)
	KeyContainerPriv       = res(eventattr.ContainerPriv)
	KeyContainerStart      = res(eventattr.ContainerStart)
	KeyContainerIP         = res(eventattr.ContainerIP)
	KeyContainerCNI        = res(eventattr.ContainerCNI)
	KeyContainerHostPID    = res(eventattr.ContainerHostPID)
	KeyContainerHostNet    = res(eventattr.ContainerHostNet)
	KeyContainerHostIPC    = res(eventattr.ContainerHostIPC)
	KeyContainerMounts     = res(eventattr.ContainerMounts)     // "source:dest:mode:rdwr:propagation" per mount
	KeyContainerMountDests = res(eventattr.ContainerMountDests) // destinations, same order as mounts
	KeyContainerLabel      = resPrefix(eventattr.ContainerLabelPrefix)
	KeyPodName             = res(eventattr.PodName)
	KeyPodUID              = res(eventattr.PodUID)
	KeyPodIP               = res(eventattr.PodIP)
	KeyPodSandboxID        = res(eventattr.PodSandboxID)
	KeyPodCNI              = res(eventattr.PodCNI)
	KeyPodLabel            = resPrefix(eventattr.PodLabelPrefix)
	KeyNamespaceName       = res(eventattr.NamespaceName)
	KeyNamespaceUID        = res(eventattr.NamespaceUID)
	KeyNamespaceLabel      = resPrefix(eventattr.NamespaceLabelPrefix)
	KeyDeploymentName      = res(eventattr.DeploymentName)
	KeyDeploymentUID       = res(eventattr.DeploymentUID)
	KeyReplicaSetName      = res(eventattr.ReplicaSetName)
	KeyReplicaSetUID       = res(eventattr.ReplicaSetUID)
	KeyServiceName         = res(eventattr.ServiceName)
	KeyNodeName            = res(eventattr.NodeName)
)
