/* SPDX-License-Identifier: (GPL-2.0-only OR Apache-2.0) */
/*
 * Wire format between the probe and the receiver. Every record starts with
 * the fixed part of struct vg_hdr, then the raw arguments the receiver needs
 * for that syscall, then sections (struct vg_sec + payload). The Go
 * decoder in receiver/syscallreceiver/internal/event mirrors these numbers;
 * change both together.
 */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#define VG_MAX_SYSCALLS 512

/* Record kinds beyond syscall numbers. */
#define VG_KIND_FORK 1000
#define VG_KIND_EXEC 1001
#define VG_KIND_EXIT 1002
#define VG_KIND_CGROUP 1003

/* How the probe reads one syscall argument (syscall_spec.kind[i]). */
#define VG_ARG_NONE 0
#define VG_ARG_STR 1        /* user NUL-terminated string (a path) */
#define VG_ARG_SOCKADDR 2   /* user sockaddr, its length in the next argument */
#define VG_ARG_MSGHDR 3     /* user msghdr: its msg_name */
#define VG_ARG_ARGV 4       /* user char ** (execve argv when execve failed) */
#define VG_ARG_INTPAIR 5    /* user int[2] (pipe fds) */
#define VG_ARG_OPENHOW 6    /* user struct open_how (openat2) */
#define VG_ARG_SOCKADDR_OUT 7 /* user sockaddr written by the call, length at *next argument */

/* Where the fd the event operates on comes from (syscall_spec.fd_src). */
#define VG_FD_NONE 0
/* 1..6: argument index + 1 */
#define VG_FD_RET 7

/* Section types. */
#define VG_SEC_STR 1        /* arg = argument index; user string */
#define VG_SEC_SOCKADDR 2   /* arg = argument index; raw sockaddr */
#define VG_SEC_FD 3         /* arg = argument index or 7 (return value); struct vg_fd (VG_FD_FILE_SIZE bytes unless a socket) */
#define VG_SEC_ARGV 4       /* NUL-separated arguments */
#define VG_SEC_ENV 5        /* NUL-separated environment */
#define VG_SEC_EXE 6        /* path of the executable, components leaf first, NUL-terminated each */
#define VG_SEC_CWD 7        /* working directory, same encoding */
#define VG_SEC_CGROUP 8     /* arg = hierarchy (VG_CG_*); cgroup path, same encoding */
#define VG_SEC_PROC 9       /* struct vg_proc */
#define VG_SEC_INTPAIR 10   /* two s32 */
#define VG_SEC_FILENAME 11  /* exec: path the program was started by */
#define VG_SEC_UNIX_LOCAL 12 /* unix socket: own address (sun_path bytes) */
#define VG_SEC_UNIX_PEER 13  /* unix socket: peer address */
#define VG_SEC_DNAME 14     /* fd's dentry name (anon inodes: "[eventfd]") */
#define VG_SEC_OPENHOW 15   /* three u64: flags, mode, resolve */
#define VG_SEC_FDPATH 16    /* arg as VG_SEC_FD; path of a file fd, same encoding as VG_SEC_EXE */
#define VG_SEC_CLOSED 17    /* u64 bitmap: fds 0-63 the process closed since its last record */
#define VG_SEC_EXEINFO 18   /* exec: struct vg_exeinfo, the executable's inode */
#define VG_SEC_PLACE 19     /* fork, exec, cgroup move: u64, the process's place stamp (proc_names) when the probe has one */

/* Set in a section's arg when its payload was cut at one of the probe's
 * limits (path components or bytes, exec arguments): the receiver must not
 * present it as whole. */
#define VG_SEC_TRUNC 0x80

/* How a syscall is captured (syscall_spec.on). */
#define VG_ON_OFF 0
#define VG_ON_CAPTURE 1
/* close, captured only for the fd table: a successful close of fd < 64 is
 * not written; the fd is set in the process's bitmap in closed_fds and
 * travels, as VG_SEC_CLOSED, with the process's next record (the first one
 * that could look at its fd table). */
#define VG_ON_DEFER 2

/* Kernel-side filters of a captured syscall (spec.filt; the approvers the
 * rules derive): a call that fails one is not written to the ring. */
#define VG_FILT_OUTCOME 1 /* spec.outcome: VG_OUT_* bits the return value must be in */
#define VG_FILT_PROTO 2   /* spec.proto: VG_PROTO_* bits a TCP or UDP socket fd must be in */
#define VG_FILT_PATH 4    /* the path argument (spec.path_arg), when judged, must match path_filter */
#define VG_FILT_PREFIX 8  /* path_filter holds prefixes for this syscall */
#define VG_FILT_SUFFIX 16 /* path_filter holds suffixes for this syscall */
#define VG_FILT_ACCESS 32 /* spec.access: bit 1<<mode an open's access mode (flags & O_ACCMODE) must be in */
/* in the access modes of spec.name_modes, a call whose process name (the
 * one proc_names keeps) is in name_filter passes the path filter too; a
 * process without a name there passes */
#define VG_FILT_NAME 64
#define VG_FILT_WHERE 128 /* spec.where: VG_WHERE_* bit the process's place must be in, when proc_places knows it */

#define VG_WHERE_HOST 1
#define VG_WHERE_CONTAINER 2

/* Where an open's flags are (spec.flags_arg): 0 nowhere (mode 0), else
 * argument (flags_arg & VG_FLAGS_ARG) - 1, and with VG_FLAGS_HOW that
 * argument points to a struct open_how, whose first member is the flags. */
#define VG_FLAGS_ARG 0x7f
#define VG_FLAGS_HOW 0x80

#define VG_OUT_SUCCESS 1 /* return value >= 0 */
#define VG_OUT_FAILURE 2
#define VG_PROTO_TCP 1
#define VG_PROTO_UDP 2

/* path_filter keys: data is gen, kind (VG_PATH_* | access mode << 1),
 * syscall number, then the path (a suffix's bytes reversed). */
#define VG_PATH_KEY 124
#define VG_PATH_PREFIX 0
#define VG_PATH_SUFFIX 1

/* What the probe does with a compat (ia32, int 0x80) syscall whose ia32
 * number is the index of syscall_spec (spec.ia32). Its number and argument
 * registers mean something else than a native call's: the probe never
 * reads them with the native spec. */
#define VG_IA32_OFF 0       /* not of interest */
#define VG_IA32_TRANSLATE 1 /* same call as native ia32_nr, arguments read from the ia32 registers */
#define VG_IA32_DROP 2      /* no native twin with the same arguments: counted in compat_drops, not read */

/* vg_hdr.flags */
#define VG_HDR_COMPAT 1 /* an ia32 syscall, translated to its native number */

#define VG_CG_DFL 0 /* cgroup v2 (the default hierarchy) */
#define VG_CG_CPU 1 /* v1 cpu controller's hierarchy */
#define VG_CG_PIDS 2 /* v1 pids controller's hierarchy */
#define VG_CG_MEM 3 /* v1 memory controller's hierarchy */
#define VG_CG_MOVED 4 /* cgroup_attach_task: the destination cgroup */

/* Every record starts with VG_HDR_SIZE bytes, then nargs raw syscall
 * arguments (u64 each), then sections. */
#define VG_HDR_SIZE 32
#define VG_MAX_ARGS 6

struct vg_hdr {
	__u64 ts;      /* bpf_ktime_get_boot_ns */
	__s64 ret;     /* syscall return value */
	__u32 tgid;
	__u32 tid;
	__u16 kind; /* syscall number or VG_KIND_* */
	__u16 cpu;
	__u16 len;  /* whole record, header included (records are < 64 KiB) */
	__u8 nargs; /* raw arguments that follow */
	__u8 flags; /* VG_HDR_* */
	__u64 args[VG_MAX_ARGS]; /* in the scratch buffer; only args[0..nargs) are sent */
};

struct vg_sec {
	__u16 len; /* payload bytes */
	__u8 type;
	__u8 arg;
};

struct vg_fd {
	__s32 fd;
	__u32 mode; /* inode i_mode */
	__u64 ino;
	__u32 dev;
	__u32 fmode; /* file f_mode (FMODE_CREATED: an open created the file) */
	/* sockets only: the section of any other fd ends here */
	__u16 family;
	__u16 sotype;
	__u16 proto;
	__u16 lport;
	__u16 rport;
	__u16 state; /* sk_state */
	__u32 pad;
	__u8 laddr[16];
	__u8 raddr[16];
};

#define VG_FD_FILE_SIZE 24

#define VG_PROC_UPPER 1  /* executable lives in an overlayfs upper layer */
#define VG_PROC_THREAD 2 /* fork: the child is a thread */

struct vg_proc {
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 vpid;
	__u32 vtid;
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 loginuid;
	__u32 sid;
	__u32 pgid;
	__u32 vpgid;
	__u32 tty_major;
	__u32 tty_minor;
	__u32 flags;
	__u64 start_boot_ns;
	__u64 exe_ino;
	__u64 cap_eff;
	__u64 cap_prm;
	__u64 cap_inh;
	__u64 clone_flags;
	char comm[16];
};

/* The executable's inode at exec: what proc.exe_ino.ctime/mtime,
 * proc.is_exe_writable and execve's EXE_* flags are computed from. */
struct vg_exeinfo {
	__u64 ctime_ns; /* since the epoch */
	__u64 mtime_ns;
	__u32 mode;     /* i_mode */
	__u32 uid;      /* i_uid */
	__u32 gid;      /* i_gid */
	__u32 flags;    /* VG_EXE_* */
};

#define VG_EXE_OVERLAY 1 /* lives on overlayfs (upper or lower: VG_PROC_UPPER says which) */

/* Learned discarders (issue 13). A successful open-family call on a
 * regular file whose path argument is absolute carries, while discarding
 * is on for its syscall, a VG_SEC_DISC section: the key the receiver
 * installs in the discarders map when no rule can match the path, and the
 * stamp that tells when the entry goes stale. */
#define VG_SEC_DISC 30      /* struct vg_disc */
#define VG_DISC_PATH 256    /* longest path argument hashed, NUL included */

struct vg_disc_key {
	__u32 nr;    /* native syscall number */
	__u32 mntns; /* the caller's mount namespace (its inode number) */
	__u64 ino;
	__u64 phash; /* FNV-1a 64 of the path argument as passed */
	__u32 dev;
	__u32 mode;  /* the open's access mode (flags & O_ACCMODE; 0 for creat) */
};

struct vg_disc_val {
	__s64 ctime_sec; /* the inode's ctime when the record was made */
	__u32 ctime_nsec;
	__u32 igen;  /* i_generation */
	__u32 gen;   /* the disc_ctl.gen the entry belongs to (set by the receiver) */
	__u32 pad;
};

struct vg_disc {
	struct vg_disc_key key;
	struct vg_disc_val val;
};

/* Written by the receiver only. */
struct vg_disc_ctl {
	__u32 gen;     /* entries of another generation are stale */
	__u32 entries; /* installed discarders; 0: no lookup */
	/* argument index + 1 of the path of a syscall whose calls may be
	 * discarded; 0: never discarded, no section */
	__u8 path_arg[VG_MAX_SYSCALLS];
	/* where such a syscall's open flags are (VG_FLAGS_*, as spec.flags_arg) */
	__u8 flags_arg[VG_MAX_SYSCALLS];
};

#endif
