package syscalls

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// Table names the values of a flags or enum parameter.
type Table struct {
	Names []Named
	// Zero is printed for a flags value of 0 (empty: the number).
	Zero string
}

// Named is one value's name.
type Named struct {
	Val  uint64
	Name string
}

// AppendFlags appends v as NAME|NAME; leftover bits as hex.
func (t *Table) AppendFlags(dst []byte, v uint64) []byte {
	if v == 0 {
		if t.Zero != "" {
			return append(dst, t.Zero...)
		}
		return append(dst, '0')
	}
	start := len(dst)
	rest := v
	for _, n := range t.Names {
		if n.Val != 0 && v&n.Val == n.Val && rest&n.Val != 0 {
			if len(dst) > start {
				dst = append(dst, '|')
			}
			dst = append(dst, n.Name...)
			rest &^= n.Val
		}
	}
	if rest != 0 {
		if len(dst) > start {
			dst = append(dst, '|')
		}
		dst = append(dst, "0x"...)
		dst = strconv.AppendUint(dst, rest, 16)
	}
	return dst
}

// AppendEnum appends v's name, or the number.
func (t *Table) AppendEnum(dst []byte, v int64) []byte {
	for _, n := range t.Names {
		if n.Val == uint64(v) {
			return append(dst, n.Name...)
		}
	}
	return strconv.AppendInt(dst, v, 10)
}

// AppendOpenFlags appends Linux open(2) flags as O_* names, the access mode
// first (O_RDONLY is the absence of both write bits).
func AppendOpenFlags(dst []byte, v uint64) []byte {
	switch v & unix.O_ACCMODE {
	case unix.O_WRONLY:
		dst = append(dst, "O_WRONLY"...)
	case unix.O_RDWR:
		dst = append(dst, "O_RDWR"...)
	default:
		dst = append(dst, "O_RDONLY"...)
	}
	rest := v &^ unix.O_ACCMODE
	if rest == 0 {
		return dst
	}
	dst = append(dst, '|')
	return openFlags.AppendFlags(dst, rest)
}

var openFlags = &Table{Names: []Named{
	{unix.O_TMPFILE, "O_TMPFILE"}, // before O_DIRECTORY: it includes it
	{unix.O_CREAT, "O_CREAT"}, {unix.O_EXCL, "O_EXCL"}, {unix.O_NOCTTY, "O_NOCTTY"},
	{unix.O_TRUNC, "O_TRUNC"}, {unix.O_APPEND, "O_APPEND"}, {unix.O_NONBLOCK, "O_NONBLOCK"},
	{unix.O_SYNC, "O_SYNC"}, {unix.O_DSYNC, "O_DSYNC"}, {unix.O_ASYNC, "O_ASYNC"}, {unix.O_DIRECT, "O_DIRECT"},
	{unix.O_LARGEFILE, "O_LARGEFILE"}, {unix.O_DIRECTORY, "O_DIRECTORY"}, {unix.O_NOFOLLOW, "O_NOFOLLOW"},
	{unix.O_NOATIME, "O_NOATIME"}, {unix.O_CLOEXEC, "O_CLOEXEC"}, {unix.O_PATH, "O_PATH"},
}}

// Mode is file mode bits, in Falco's order: lowest bit first
// (S_IWUSR|S_IRUSR|S_ISUID).
var Mode = &Table{Names: []Named{
	{unix.S_IXOTH, "S_IXOTH"}, {unix.S_IWOTH, "S_IWOTH"}, {unix.S_IROTH, "S_IROTH"},
	{unix.S_IXGRP, "S_IXGRP"}, {unix.S_IWGRP, "S_IWGRP"}, {unix.S_IRGRP, "S_IRGRP"},
	{unix.S_IXUSR, "S_IXUSR"}, {unix.S_IWUSR, "S_IWUSR"}, {unix.S_IRUSR, "S_IRUSR"},
	{unix.S_ISVTX, "S_ISVTX"}, {unix.S_ISGID, "S_ISGID"}, {unix.S_ISUID, "S_ISUID"},
}}

var ptraceReq = &Table{Names: []Named{
	{0, "PTRACE_TRACEME"}, {1, "PTRACE_PEEKTEXT"}, {2, "PTRACE_PEEKDATA"}, {3, "PTRACE_PEEKUSR"},
	{4, "PTRACE_POKETEXT"}, {5, "PTRACE_POKEDATA"}, {6, "PTRACE_POKEUSR"}, {7, "PTRACE_CONT"},
	{8, "PTRACE_KILL"}, {9, "PTRACE_SINGLESTEP"}, {12, "PTRACE_GETREGS"}, {13, "PTRACE_SETREGS"},
	{14, "PTRACE_GETFPREGS"}, {15, "PTRACE_SETFPREGS"}, {16, "PTRACE_ATTACH"}, {17, "PTRACE_DETACH"},
	{18, "PTRACE_GETFPXREGS"}, {19, "PTRACE_SETFPXREGS"}, {24, "PTRACE_SYSCALL"}, {30, "PTRACE_ARCH_PRCTL"},
	{31, "PTRACE_SYSEMU"}, {32, "PTRACE_SYSEMU_SINGLESTEP"}, {33, "PTRACE_SINGLEBLOCK"},
	{0x4200, "PTRACE_SETOPTIONS"}, {0x4201, "PTRACE_GETEVENTMSG"}, {0x4202, "PTRACE_GETSIGINFO"},
	{0x4203, "PTRACE_SETSIGINFO"}, {0x4204, "PTRACE_GETREGSET"}, {0x4205, "PTRACE_SETREGSET"},
	{0x4206, "PTRACE_SEIZE"}, {0x4207, "PTRACE_INTERRUPT"}, {0x4208, "PTRACE_LISTEN"},
	{0x4209, "PTRACE_PEEKSIGINFO"}, {0x420c, "PTRACE_SECCOMP_GET_FILTER"}, {0x420e, "PTRACE_GET_SYSCALL_INFO"},
}}

var sockDomain = &Table{Names: []Named{
	{0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"}, {3, "AF_AX25"}, {4, "AF_IPX"}, {5, "AF_APPLETALK"},
	{6, "AF_NETROM"}, {7, "AF_BRIDGE"}, {8, "AF_ATMPVC"}, {9, "AF_X25"}, {10, "AF_INET6"}, {11, "AF_ROSE"},
	{12, "AF_DECnet"}, {13, "AF_NETBEUI"}, {14, "AF_SECURITY"}, {15, "AF_KEY"}, {16, "AF_NETLINK"},
	{17, "AF_PACKET"}, {18, "AF_ASH"}, {19, "AF_ECONET"}, {20, "AF_ATMSVC"}, {21, "AF_RDS"}, {22, "AF_SNA"},
	{23, "AF_IRDA"}, {24, "AF_PPPOX"}, {25, "AF_WANPIPE"}, {26, "AF_LLC"}, {27, "AF_IB"}, {28, "AF_MPLS"},
	{29, "AF_CAN"}, {30, "AF_TIPC"}, {31, "AF_BLUETOOTH"}, {32, "AF_IUCV"}, {33, "AF_RXRPC"}, {34, "AF_ISDN"},
	{35, "AF_PHONET"}, {36, "AF_IEEE802154"}, {37, "AF_CAIF"}, {38, "AF_ALG"}, {39, "AF_NFC"}, {40, "AF_VSOCK"},
	{41, "AF_KCM"}, {42, "AF_QIPCRTR"}, {43, "AF_SMC"}, {44, "AF_XDP"}, {45, "AF_MCTP"},
}}

var bpfCmd = &Table{Names: []Named{
	{0, "BPF_MAP_CREATE"}, {1, "BPF_MAP_LOOKUP_ELEM"}, {2, "BPF_MAP_UPDATE_ELEM"}, {3, "BPF_MAP_DELETE_ELEM"},
	{4, "BPF_MAP_GET_NEXT_KEY"}, {5, "BPF_PROG_LOAD"}, {6, "BPF_OBJ_PIN"}, {7, "BPF_OBJ_GET"},
	{8, "BPF_PROG_ATTACH"}, {9, "BPF_PROG_DETACH"}, {10, "BPF_PROG_TEST_RUN"}, {11, "BPF_PROG_GET_NEXT_ID"},
	{12, "BPF_MAP_GET_NEXT_ID"}, {13, "BPF_PROG_GET_FD_BY_ID"}, {14, "BPF_MAP_GET_FD_BY_ID"},
	{15, "BPF_OBJ_GET_INFO_BY_FD"}, {16, "BPF_PROG_QUERY"}, {17, "BPF_RAW_TRACEPOINT_OPEN"}, {18, "BPF_BTF_LOAD"},
	{19, "BPF_BTF_GET_FD_BY_ID"}, {20, "BPF_TASK_FD_QUERY"}, {21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"},
	{22, "BPF_MAP_FREEZE"}, {23, "BPF_BTF_GET_NEXT_ID"}, {24, "BPF_MAP_LOOKUP_BATCH"},
	{25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"}, {26, "BPF_MAP_UPDATE_BATCH"}, {27, "BPF_MAP_DELETE_BATCH"},
	{28, "BPF_LINK_CREATE"}, {29, "BPF_LINK_UPDATE"}, {30, "BPF_LINK_GET_FD_BY_ID"}, {31, "BPF_LINK_GET_NEXT_ID"},
	{32, "BPF_ENABLE_STATS"}, {33, "BPF_ITER_CREATE"}, {34, "BPF_LINK_DETACH"}, {35, "BPF_PROG_BIND_MAP"},
	{36, "BPF_TOKEN_CREATE"},
}}

var cloneFlags = &Table{Names: []Named{
	{unix.CLONE_VM, "CLONE_VM"}, {unix.CLONE_FS, "CLONE_FS"}, {unix.CLONE_FILES, "CLONE_FILES"},
	{unix.CLONE_SIGHAND, "CLONE_SIGHAND"}, {unix.CLONE_PIDFD, "CLONE_PIDFD"}, {unix.CLONE_PTRACE, "CLONE_PTRACE"},
	{unix.CLONE_VFORK, "CLONE_VFORK"}, {unix.CLONE_PARENT, "CLONE_PARENT"}, {unix.CLONE_THREAD, "CLONE_THREAD"},
	{unix.CLONE_NEWNS, "CLONE_NEWNS"}, {unix.CLONE_SYSVSEM, "CLONE_SYSVSEM"}, {unix.CLONE_SETTLS, "CLONE_SETTLS"},
	{unix.CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"}, {unix.CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
	{unix.CLONE_UNTRACED, "CLONE_UNTRACED"}, {unix.CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
	{unix.CLONE_NEWCGROUP, "CLONE_NEWCGROUP"}, {unix.CLONE_NEWUTS, "CLONE_NEWUTS"}, {unix.CLONE_NEWIPC, "CLONE_NEWIPC"},
	{unix.CLONE_NEWUSER, "CLONE_NEWUSER"}, {unix.CLONE_NEWPID, "CLONE_NEWPID"}, {unix.CLONE_NEWNET, "CLONE_NEWNET"},
	{unix.CLONE_IO, "CLONE_IO"}, {unix.CLONE_NEWTIME, "CLONE_NEWTIME"},
}}

var atFlags = &Table{Names: []Named{
	{unix.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {unix.AT_REMOVEDIR, "AT_REMOVEDIR"},
	{unix.AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"}, {unix.AT_EMPTY_PATH, "AT_EMPTY_PATH"},
}}

var renameFlags = &Table{Names: []Named{
	{unix.RENAME_NOREPLACE, "RENAME_NOREPLACE"}, {unix.RENAME_EXCHANGE, "RENAME_EXCHANGE"}, {unix.RENAME_WHITEOUT, "RENAME_WHITEOUT"},
}}

var mountFlags = &Table{Names: []Named{
	{unix.MS_RDONLY, "RDONLY"}, {unix.MS_NOSUID, "NOSUID"}, {unix.MS_NODEV, "NODEV"}, {unix.MS_NOEXEC, "NOEXEC"},
	{unix.MS_SYNCHRONOUS, "SYNCHRONOUS"}, {unix.MS_REMOUNT, "REMOUNT"}, {unix.MS_MANDLOCK, "MANDLOCK"},
	{unix.MS_DIRSYNC, "DIRSYNC"}, {unix.MS_NOSYMFOLLOW, "NOSYMFOLLOW"}, {unix.MS_NOATIME, "NOATIME"},
	{unix.MS_NODIRATIME, "NODIRATIME"}, {unix.MS_BIND, "BIND"}, {unix.MS_MOVE, "MOVE"}, {unix.MS_REC, "REC"},
	{unix.MS_SILENT, "SILENT"}, {unix.MS_POSIXACL, "POSIXACL"}, {unix.MS_UNBINDABLE, "UNBINDABLE"},
	{unix.MS_PRIVATE, "PRIVATE"}, {unix.MS_SLAVE, "SLAVE"}, {unix.MS_SHARED, "SHARED"}, {unix.MS_RELATIME, "RELATIME"},
	{unix.MS_KERNMOUNT, "KERNMOUNT"}, {unix.MS_I_VERSION, "I_VERSION"}, {unix.MS_STRICTATIME, "STRICTATIME"},
	{unix.MS_LAZYTIME, "LAZYTIME"},
}}

var umountFlags = &Table{Names: []Named{
	{unix.MNT_FORCE, "FORCE"}, {unix.MNT_DETACH, "DETACH"}, {unix.MNT_EXPIRE, "EXPIRE"}, {unix.UMOUNT_NOFOLLOW, "NOFOLLOW"},
}}

// The mount API (Linux 5.2): open_tree, move_mount, fsopen, fsconfig, fsmount.
var openTreeFlags = &Table{Names: []Named{
	{unix.OPEN_TREE_CLONE, "OPEN_TREE_CLONE"}, {unix.OPEN_TREE_CLOEXEC, "OPEN_TREE_CLOEXEC"},
	{unix.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {unix.AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
	{unix.AT_EMPTY_PATH, "AT_EMPTY_PATH"}, {unix.AT_RECURSIVE, "AT_RECURSIVE"},
}}

var moveMountFlags = &Table{Names: []Named{
	{unix.MOVE_MOUNT_F_SYMLINKS, "MOVE_MOUNT_F_SYMLINKS"}, {unix.MOVE_MOUNT_F_AUTOMOUNTS, "MOVE_MOUNT_F_AUTOMOUNTS"},
	{unix.MOVE_MOUNT_F_EMPTY_PATH, "MOVE_MOUNT_F_EMPTY_PATH"}, {unix.MOVE_MOUNT_T_SYMLINKS, "MOVE_MOUNT_T_SYMLINKS"},
	{unix.MOVE_MOUNT_T_AUTOMOUNTS, "MOVE_MOUNT_T_AUTOMOUNTS"}, {unix.MOVE_MOUNT_T_EMPTY_PATH, "MOVE_MOUNT_T_EMPTY_PATH"},
	{unix.MOVE_MOUNT_SET_GROUP, "MOVE_MOUNT_SET_GROUP"}, {0x200, "MOVE_MOUNT_BENEATH"},
}}

var fsopenFlags = &Table{Names: []Named{{unix.FSOPEN_CLOEXEC, "FSOPEN_CLOEXEC"}}}

var fsmountFlags = &Table{Names: []Named{{unix.FSMOUNT_CLOEXEC, "FSMOUNT_CLOEXEC"}}}

var mountAttrFlags = &Table{Names: []Named{
	{unix.MOUNT_ATTR_RDONLY, "MOUNT_ATTR_RDONLY"}, {unix.MOUNT_ATTR_NOSUID, "MOUNT_ATTR_NOSUID"},
	{unix.MOUNT_ATTR_NODEV, "MOUNT_ATTR_NODEV"}, {unix.MOUNT_ATTR_NOEXEC, "MOUNT_ATTR_NOEXEC"},
	{unix.MOUNT_ATTR_NOATIME, "MOUNT_ATTR_NOATIME"}, {unix.MOUNT_ATTR_STRICTATIME, "MOUNT_ATTR_STRICTATIME"},
	{unix.MOUNT_ATTR_NODIRATIME, "MOUNT_ATTR_NODIRATIME"}, {unix.MOUNT_ATTR_IDMAP, "MOUNT_ATTR_IDMAP"},
	{unix.MOUNT_ATTR_NOSYMFOLLOW, "MOUNT_ATTR_NOSYMFOLLOW"},
}}

var fsconfigCmd = &Table{Names: []Named{
	{unix.FSCONFIG_SET_FLAG, "FSCONFIG_SET_FLAG"}, {unix.FSCONFIG_SET_STRING, "FSCONFIG_SET_STRING"},
	{unix.FSCONFIG_SET_BINARY, "FSCONFIG_SET_BINARY"}, {unix.FSCONFIG_SET_PATH, "FSCONFIG_SET_PATH"},
	{unix.FSCONFIG_SET_PATH_EMPTY, "FSCONFIG_SET_PATH_EMPTY"}, {unix.FSCONFIG_SET_FD, "FSCONFIG_SET_FD"},
	{unix.FSCONFIG_CMD_CREATE, "FSCONFIG_CMD_CREATE"}, {unix.FSCONFIG_CMD_RECONFIGURE, "FSCONFIG_CMD_RECONFIGURE"},
	{8, "FSCONFIG_CMD_CREATE_EXCL"},
}}

var fdFlags = &Table{Names: []Named{{unix.O_CLOEXEC, "O_CLOEXEC"}, {unix.O_NONBLOCK, "O_NONBLOCK"}, {unix.O_DIRECT, "O_DIRECT"}}}

var sockFlags = &Table{Names: []Named{{unix.SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {unix.SOCK_CLOEXEC, "SOCK_CLOEXEC"}}}

var fcntlCmd = &Table{Names: []Named{
	{0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"}, {4, "F_SETFL"}, {5, "F_GETLK"},
	{6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"}, {9, "F_GETOWN"}, {10, "F_SETSIG"}, {11, "F_GETSIG"},
	{15, "F_SETOWN_EX"}, {16, "F_GETOWN_EX"}, {36, "F_OFD_GETLK"}, {37, "F_OFD_SETLK"}, {38, "F_OFD_SETLKW"},
	{1024, "F_SETLEASE"}, {1025, "F_GETLEASE"}, {1026, "F_NOTIFY"}, {1030, "F_DUPFD_CLOEXEC"},
	{1031, "F_SETPIPE_SZ"}, {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"},
}}

var memfdFlags = &Table{Names: []Named{
	{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"}, {8, "MFD_NOEXEC_SEAL"}, {0x10, "MFD_EXEC"},
}}

var resolveFlags = &Table{Names: []Named{
	{1, "RESOLVE_NO_XDEV"}, {2, "RESOLVE_NO_MAGICLINKS"}, {4, "RESOLVE_NO_SYMLINKS"},
	{8, "RESOLVE_BENEATH"}, {0x10, "RESOLVE_IN_ROOT"}, {0x20, "RESOLVE_CACHED"},
}}

var moduleFlags = &Table{Names: []Named{
	{1, "MODULE_INIT_IGNORE_MODVERSIONS"}, {2, "MODULE_INIT_IGNORE_VERMAGIC"}, {4, "MODULE_INIT_COMPRESSED_FILE"},
}}

var socketType = &Table{Names: []Named{
	{unix.SOCK_STREAM, "SOCK_STREAM"}, {unix.SOCK_DGRAM, "SOCK_DGRAM"}, {unix.SOCK_RAW, "SOCK_RAW"},
	{unix.SOCK_RDM, "SOCK_RDM"}, {unix.SOCK_SEQPACKET, "SOCK_SEQPACKET"}, {unix.SOCK_DCCP, "SOCK_DCCP"},
	{unix.SOCK_PACKET, "SOCK_PACKET"},
}}
