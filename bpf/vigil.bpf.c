// SPDX-License-Identifier: (GPL-2.0-only OR Apache-2.0)
/*
 * Vigil syscall probe.
 *
 * One tp_btf program on sys_exit captures every enabled syscall. What it reads
 * for each syscall is data, not code: syscall_spec (filled by the receiver from
 * its syscall table) says which arguments are user strings, socket addresses
 * and so on, and which fd the event operates on. One verified program then
 * serves every syscall, and adding a syscall needs no new kernel code.
 * Arguments are read at exit, from the saved user registers: they are intact
 * there for every syscall we decode except a successful execve, whose state
 * the sched_process_exec program reads from the new image instead. No enter
 * hook is therefore needed.
 *
 * sched_process_fork/exec/exit feed the receiver's process table, including
 * the cgroup paths read right here so that short-lived processes get their
 * container id.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define HALF (1u << 15)
#define MASK (HALF - 1)

/* v & mask, computed at run time: clang drops a plain mask it can prove
 * redundant, and the verifier then sees an unbounded offset. */
#define BOUNDED(v, mask) ({ __u64 __b = (v); asm volatile("%0 &= " #mask : "+r"(__b)); __b; })

#define SCRATCH_SIZE (HALF * 2)
#define MAX_STR 4096u
#define MAX_NAME 256u
#define MAX_DEPTH 48
#define MAX_ARGV 32
#define HDR_SIZE VG_HDR_SIZE
#define SEC_SIZE sizeof(struct vg_sec)

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
/* include/linux/fs.h: the open created the file (since 4.19; not in BTF) */
#define FMODE_CREATED 0x100000

/* Set by the receiver before load. */
volatile const __u32 self_tgid = 0;
volatile const __u32 cpus_per_ring = 1;
volatile const __u32 capture_env = 1;
/* The kernel has bpf_rdonly_cast (6.2) and bpf_get_current_task_btf (5.11):
 * the fd lookup walks kernel structures with plain (fault-handled) loads
 * instead of one bpf_probe_read_kernel call per field. */
volatile const __u32 direct_reads = 0;

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define CAST(p, type) ((type *)bpf_rdonly_cast((void *)(p), bpf_core_type_id_kernel(type)))

/* What the probe does for one syscall: on (VG_ON_*), which arguments it
 * reads (VG_ARG_*), which fd the event is about, and how many raw
 * arguments the receiver needs. One lookup decides everything, so a
 * syscall that is switched off costs a few instructions. */
struct spec {
	__u8 kind[6];
	__u8 fd_src;
	__u8 nargs;
	__u8 on;
	/* the entry read for the current task's credentials after a
	 * successful call (capset, setuid, setns ...): VG_SEC_PROC */
	__u8 proc;
	/* for the ia32 syscall of this number: VG_IA32_*, and the native
	 * number it is read as */
	__u8 ia32;
	/* kernel filters (VG_FILT_*), their operands, and the generation of
	 * path_filter's entries this table goes with */
	__u8 filt;
	__u16 ia32_nr;
	__u8 outcome;
	__u8 proto;
	__u8 path_arg;
	__u8 gen;
	/* VG_FILT_ACCESS's modes; the modes whose paths are filtered; where
	 * the open flags are (VG_FLAGS_*) */
	__u8 access;
	__u8 path_modes;
	__u8 flags_arg;
	/* VG_FILT_WHERE's places; the modes whose process names are filtered */
	__u8 where;
	__u8 name_modes;
	__u8 pad[1];
};

/* Sizes rather than types: clang emits a type reached only through the
 * inner map's definition as a forward declaration, which has no size. */
struct spec_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VG_MAX_SYSCALLS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct spec));
};

/* The spec table in force, in slot 0. User space never writes a table the
 * probe may be reading: it fills a new one and swaps it in here, which the
 * kernel does atomically (the old table is freed after every program that
 * could hold it has finished). So a syscall sees the old or the new spec,
 * never half of each, as an in-place array write would allow. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct spec_table);
} syscall_spec SEC(".maps");

/* Deferred closes (VG_ON_DEFER): fds 0-63 each process closed since its
 * last record. Set with atomic adds and taken by subtracting what was
 * read, so that both work on every kernel (XADD; fetch-or and xchg need
 * 5.12). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} closed_fds SEC(".maps");

/* Paths an open-family call must name (prefixes, exact names as the name
 * plus its NUL, suffixes reversed), per syscall and access mode. Entries carry the
 * generation of the spec table they go with: user space writes a new
 * generation, swaps the spec table in, then deletes the old one, so a call
 * sees one consistent filter. */
struct path_key {
	__u32 prefixlen;
	__u8 gen;
	__u8 kind;
	__u16 nr;
	__u8 path[VG_PATH_KEY];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 32768);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct path_key);
	__type(value, __u8);
} path_filter SEC(".maps");

/* Per process, what the probe itself knows: the name (proc.name) the
 * receiver gives it, which is the comm at its exec, or at its fork before
 * any exec (a thread that renames itself later with prctl PR_SET_NAME
 * changes task->comm, not this); its start time; and the stamp of its
 * place: a number from place_seq, new at its fork, at an exec
 * that finds no stamp, and at every cgroup move of one of its tasks. The
 * probe writes the stamp into the process's fork, exec and cgroup
 * records (VG_SEC_PLACE), and the receiver gives it back with the place
 * it decides from that record: so both name the same state with the same
 * number, and no stamp is ever issued twice. An entry with an empty comm
 * has no name the probe can judge: a process the probe first met at a
 * cgroup move (it started before the probe). A process started before
 * the probe has no entry until it execs or moves; an entry that cannot
 * be stored is missing. A missing entry, or a missing name, passes.
 * Deleted at exit. */
struct proc_name {
	char comm[16];
	__u64 start;
	__u64 stamp;
};

/* Place stamps (proc_name.stamp) issued on each CPU. A stamp is this
 * CPU's count (from 1) above the CPU's number (16 bits), so no two are
 * equal and 0 is never one: -mcpu=v1 has no atomic fetch-and-add, and the
 * programs that take stamps (fork, exec, cgroup move) run in process
 * context with preemption off, one at a time on a CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} place_seq SEC(".maps");

static __always_inline __u64 next_place_stamp(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&place_seq, &zero);
	if (!n)
		return 0;
	*n += 1;
	return (*n << 16) | (bpf_get_smp_processor_id() & 0xffff);
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct proc_name);
} proc_names SEC(".maps");

/* Process names a call may have (VG_FILT_NAME), per syscall and access
 * mode, under the generation of the spec table they go with (as path_filter). */
struct name_key {
	__u8 gen;
	__u8 mode;
	__u16 nr;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct name_key);
	__type(value, __u8);
} name_filter SEC(".maps");

/* Where a process runs (VG_WHERE_*), as the receiver decides it from its
 * cgroups, written by the receiver per process with the start time and
 * the place stamp of the record it decided it from. The probe believes
 * it only while both equal its own proc_names entry's: a move the
 * receiver has not read yet, or another process reusing the pid, makes
 * the entry stale, and the process passes. Deleted at exit. */
struct proc_place {
	__u64 start;
	__u64 stamp;
	__u8 place;
	__u8 pad[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct proc_place);
} proc_places SEC(".maps");

/* Calls the kernel filters kept off the ring, per CPU, by syscall. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u64);
} filtered SEC(".maps");

/* The slack past SCRATCH_SIZE lets writes at a masked offset below
 * SCRATCH_SIZE run their full length without the verifier seeing an overflow. */
struct scratch_buf {
	__u8 b[SCRATCH_SIZE + 2 * MAX_NAME];
};

/* One scratch buffer per CPU (a plain array: per-CPU arrays cap values at
 * 32 KiB). max_entries is set to the number of possible CPUs at load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_buf);
} scratch SEC(".maps");

/* Compat syscalls the probe could not translate (VG_IA32_DROP), per CPU,
 * by ia32 number. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u64);
} compat_drops SEC(".maps");

/* Failed ring-buffer writes, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
};

/* Ring buffers, one per group of cpus_per_ring CPUs; sizes set at load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ring);
} rings SEC(".maps");

/* kernfs_node.parent became __parent in 6.15. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

/* task_struct.start_boottime was real_start_time before 5.5. */
struct task_struct___old {
	__u64 real_start_time;
} __attribute__((preserve_access_index));

/* inode times: i_ctime_sec/i_ctime_nsec since 6.11; __i_ctime (6.6) and
 * __i_mtime (6.7) timespec64 before; i_ctime and i_mtime earlier. */
struct inode___v67 {
	struct timespec64 __i_ctime;
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

struct inode___v66 {
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

struct inode___old {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline struct scratch_buf *get_scratch(__u32 cpu)
{
	return bpf_map_lookup_elem(&scratch, &cpu);
}

/* Helpers marked GLOBAL are BPF global functions: the verifier checks each
 * once, on its own, instead of once per call site and loop iteration, which
 * keeps the programs far below the verifier's instruction budget. Their
 * pointer arguments are the scratch buffer (checked for NULL) and kernel
 * addresses passed as integers. */
#define GLOBAL __attribute__((noinline))

/* A BTF-typed pointer as a plain number, for a global function argument. */
static __always_inline __u64 addr_of(const void *p)
{
	__u64 v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

static __always_inline void emit(__u8 *buf, __u32 len, __u32 cpu)
{
	__u32 ring = cpu / (cpus_per_ring ? cpus_per_ring : 1);
	void *rb = bpf_map_lookup_elem(&rings, &ring);
	/* every record is shorter than HALF + MAX_STR; the mask only tells
	 * the verifier so */
	len &= SCRATCH_SIZE - 1;
	if (!rb || bpf_ringbuf_output(rb, buf, len, BPF_RB_NO_WAKEUP) != 0) {
		__u32 zero = 0;
		__u64 *d = bpf_map_lookup_elem(&drops, &zero);
		if (d)
			__sync_fetch_and_add(d, 1);
	}
}

static __always_inline void sec_hdr(__u8 *buf, __u32 off, __u32 len, __u32 ta)
{
	struct vg_sec *s = (void *)&buf[BOUNDED(off, 0x7fff)];
	s->len = len;
	s->type = ta >> 8;
	s->arg = ta & 0xff;
}

/* Section type and argument travel packed as (type << 8 | arg): global
 * functions take at most five arguments. */
#define TA(type, arg) (((type) << 8) | ((arg) & 0xff))

/* Room for a section of up to MAX_STR bytes? Keeps every write in bounds. */
#define ROOM(off) ((off) <= HALF - SEC_SIZE - MAX_STR - 8)

GLOBAL __u32 sec_user_str(struct scratch_buf *sb, __u32 off, __u32 ta, __u64 uptr)
{
	if (!sb || !ROOM(off))
		return off;
	__u8 *buf = sb->b;
	off = BOUNDED(off, 0x7fff);
	long n = bpf_probe_read_user_str(&buf[off + SEC_SIZE], MAX_STR, (void *)uptr);
	__u32 len = n > 0 ? n - 1 : 0;
	sec_hdr(buf, off, len, ta);
	return off + SEC_SIZE + len;
}

GLOBAL __u32 sec_kernel_str(struct scratch_buf *sb, __u32 off, __u32 ta, __u64 kptr)
{
	if (!sb || !ROOM(off))
		return off;
	__u8 *buf = sb->b;
	off = BOUNDED(off, 0x7fff);
	long n = bpf_probe_read_kernel_str(&buf[off + SEC_SIZE], MAX_STR, (void *)kptr);
	__u32 len = n > 0 ? n - 1 : 0;
	sec_hdr(buf, off, len, ta);
	return off + SEC_SIZE + len;
}

GLOBAL __u32 sec_user_bytes(struct scratch_buf *sb, __u32 off, __u32 ta, __u64 uptr, __u32 len)
{
	if (!sb || !ROOM(off))
		return off;
	__u8 *buf = sb->b;
	off = BOUNDED(off, 0x7fff);
	if (len > 128)
		len = 128;
	len = BOUNDED(len, 0xff);
	if (bpf_probe_read_user(&buf[off + SEC_SIZE], len, (void *)uptr) != 0)
		len = 0;
	sec_hdr(buf, off, len, ta);
	return off + SEC_SIZE + len;
}

/* User memory range [start, end) (argv or environment of the current mm). */
GLOBAL __u32 sec_user_range(struct scratch_buf *sb, __u32 off, __u32 ta, __u64 start, __u64 end)
{
	if (!sb || !ROOM(off))
		return off;
	__u8 *buf = sb->b;
	off = BOUNDED(off, 0x7fff);
	__u32 len = 0;
	if (end > start) {
		__u64 n = end - start;
		if (n > MAX_STR - 1) {
			n = MAX_STR - 1;
			ta |= VG_SEC_TRUNC;
		}
		len = n;
		len = BOUNDED(len, 0xfff);
		if (bpf_probe_read_user(&buf[off + SEC_SIZE], len, (void *)start) != 0)
			len = 0;
	}
	sec_hdr(buf, off, len, ta);
	return off + SEC_SIZE + len;
}

/* Path of a struct path, as NUL-terminated components leaf first, walking
 * across mounts up to the root of the mount namespace. */
GLOBAL __u32 sec_path(struct scratch_buf *sb, __u32 off, __u32 ta, __u64 pathp)
{
	if (!sb || !ROOM(off))
		return off;
	__u8 *buf = sb->b;
	off = BOUNDED(off, 0x7fff);
	const struct path *path = (void *)pathp;
	struct dentry *d = BPF_CORE_READ(path, dentry);
	struct vfsmount *vm = BPF_CORE_READ(path, mnt);
	struct mount *m = container_of(vm, struct mount, mnt);
	__u32 pos = off + SEC_SIZE;
	/* whole until a limit cuts the walk short of the namespace's root */
	__u32 trunc = VG_SEC_TRUNC;
	for (int i = 0; i < MAX_DEPTH; i++) {
		if (!d) {
			trunc = 0;
			break;
		}
		struct dentry *root = BPF_CORE_READ(vm, mnt_root);
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		if (d == root || d == parent) {
			struct mount *mp = BPF_CORE_READ(m, mnt_parent);
			if (d == root) {
				if (m == mp) {
					trunc = 0;
					break;
				}
				d = BPF_CORE_READ(m, mnt_mountpoint);
				m = mp;
				vm = (struct vfsmount *)__builtin_preserve_access_index(&mp->mnt);
				continue;
			}
			/* A dentry that is its own parent without being a mount
			 * root belongs to a pseudo file (memfd, anonymous inode)
			 * or is disconnected: the kernel prints its own name as
			 * the whole path ("/memfd:x (deleted)"), and so must we,
			 * or an exec from a memfd would look like an exec of "/". */
			__u32 p = pos;
			if (p <= SCRATCH_SIZE - MAX_NAME && pos - off <= MAX_STR - MAX_NAME) {
				long n = bpf_probe_read_kernel_str(&buf[BOUNDED(p, 0xffff)], MAX_NAME,
								   BPF_CORE_READ(d, d_name.name));
				if (n > 0) {
					pos += n;
					trunc = 0;
				}
			}
			break;
		}
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);
		if (pos - off > MAX_STR - MAX_NAME)
			break;
		__u32 p = pos;
		if (p > SCRATCH_SIZE - MAX_NAME)
			break;
		long n = bpf_probe_read_kernel_str(&buf[BOUNDED(p, 0xffff)], MAX_NAME, name);
		if (n <= 0)
			break;
		pos += n;
		d = parent;
	}
	sec_hdr(buf, off, pos - off - SEC_SIZE, ta | trunc);
	return pos;
}

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	struct kernfs_node___old *o = (void *)kn;
	if (bpf_core_field_exists(o->parent))
		return BPF_CORE_READ(o, parent);
	return 0;
}

GLOBAL __u32 sec_cgroup(struct scratch_buf *sb, __u32 off, __u32 arg, __u64 cgp)
{
	if (!sb || !ROOM(off) || !cgp)
		return off;
	__u8 *buf = sb->b;
	off = BOUNDED(off, 0x7fff);
	struct cgroup *cg = (void *)cgp;
	struct kernfs_node *kn = BPF_CORE_READ(cg, kn);
	__u32 pos = off + SEC_SIZE;
	for (int i = 0; i < 16; i++) {
		if (!kn)
			break;
		struct kernfs_node *parent = kn_parent(kn);
		if (!parent)
			break;
		const char *name = BPF_CORE_READ(kn, name);
		__u32 p = pos;
		if (p > SCRATCH_SIZE - MAX_NAME || pos - off > MAX_STR - MAX_NAME)
			break;
		long n = bpf_probe_read_kernel_str(&buf[BOUNDED(p, 0xffff)], MAX_NAME, name);
		if (n <= 0)
			break;
		pos += n;
		kn = parent;
	}
	sec_hdr(buf, off, pos - off - SEC_SIZE, TA(VG_SEC_CGROUP, arg));
	return pos;
}

static __always_inline __u64 subsys_cgroup(struct css_set *cs, int id)
{
	struct cgroup_subsys_state *css = 0;
	bpf_probe_read_kernel(&css, sizeof(css), __builtin_preserve_access_index(&cs->subsys[id & 15]));
	if (!css)
		return 0;
	return addr_of(BPF_CORE_READ(css, cgroup));
}

static __always_inline __u32 sec_cgroups(struct scratch_buf *sb, __u32 off, struct task_struct *t)
{
	struct css_set *cs = BPF_CORE_READ(t, cgroups);
	off = sec_cgroup(sb, off, VG_CG_DFL, addr_of(BPF_CORE_READ(cs, dfl_cgrp)));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
		off = sec_cgroup(sb, off, VG_CG_CPU, subsys_cgroup(cs, bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id)));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, pids_cgrp_id))
		off = sec_cgroup(sb, off, VG_CG_PIDS, subsys_cgroup(cs, bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id)));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		off = sec_cgroup(sb, off, VG_CG_MEM, subsys_cgroup(cs, bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id)));
	return off;
}

/* Address of the struct file of the current task's fd, 0 if none. */
static __always_inline __u64 fd_file(long fd)
{
	if (fd < 0)
		return 0;
	struct file **arr;
	if (direct_reads) {
		struct task_struct *t = bpf_get_current_task_btf();
		struct fdtable *fdt = t->files->fdt;
		if ((unsigned long)fd >= fdt->max_fds)
			return 0;
		arr = fdt->fd;
	} else {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();
		struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
		if ((unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
			return 0;
		arr = BPF_CORE_READ(fdt, fd);
	}
	__u64 f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
	return f;
}

GLOBAL __u32 sec_unix_addr(struct scratch_buf *sb, __u32 off, __u32 type, __u64 up)
{
	if (!sb || !ROOM(off) || !up)
		return off;
	__u8 *buf = sb->b;
	struct unix_sock *u = (void *)up;
	struct unix_address *a = BPF_CORE_READ(u, addr);
	if (!a)
		return off;
	off = BOUNDED(off, 0x7fff);
	int alen = BPF_CORE_READ(a, len);
	__u32 len = alen > 2 ? alen - 2 : 0; /* minus sun_family */
	if (len > 108)
		len = 108;
	len = BOUNDED(len, 0x7f);
	if (bpf_probe_read_kernel(&buf[off + SEC_SIZE], len, __builtin_preserve_access_index(&a->name[0].sun_path)) != 0)
		len = 0;
	sec_hdr(buf, off, len, TA(type, 0));
	return off + SEC_SIZE + len;
}

/* struct vg_fd for fd of the current task, plus its unix addresses or its
 * dentry name for sockets and anonymous inodes. A regular file's section
 * stops before the socket fields. */
GLOBAL __u32 sec_fd(struct scratch_buf *sb, __u32 off, __u32 arg, __s64 fd)
{
	if (!sb || !ROOM(off) || fd < 0)
		return off;
	__u8 *buf = sb->b;
	__u64 fa = fd_file(fd);
	if (!fa)
		return off;
	off = BOUNDED(off, 0x7fff);
	struct vg_fd *o = (void *)&buf[off + SEC_SIZE];
	__builtin_memset(o, 0, sizeof(*o));
	o->fd = fd;
	struct file *f = (void *)fa;
	if (direct_reads) {
		struct file *fp = CAST(fa, struct file);
		struct inode *ino = fp->f_inode;
		o->fmode = fp->f_mode;
		o->mode = ino->i_mode;
		o->ino = ino->i_ino;
		o->dev = ino->i_sb->s_dev;
	} else {
		struct inode *ino = BPF_CORE_READ(f, f_inode);
		o->fmode = BPF_CORE_READ(f, f_mode);
		o->mode = BPF_CORE_READ(ino, i_mode);
		o->ino = BPF_CORE_READ(ino, i_ino);
		o->dev = BPF_CORE_READ(ino, i_sb, s_dev);
	}
	__u32 mode = o->mode;
	if ((mode & S_IFMT) != S_IFSOCK) {
		sec_hdr(buf, off, VG_FD_FILE_SIZE, TA(VG_SEC_FD, arg));
		off += SEC_SIZE + VG_FD_FILE_SIZE;
		if ((mode & S_IFMT) == 0) {
			/* anonymous inode: its dentry says what it is */
			off = sec_kernel_str(sb, off, TA(VG_SEC_DNAME, arg), addr_of(BPF_CORE_READ(f, f_path.dentry, d_name.name)));
		}
		return off;
	}
	struct socket *so = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(so, sk);
	if (sk) {
		o->family = BPF_CORE_READ(sk, __sk_common.skc_family);
		o->sotype = BPF_CORE_READ(sk, sk_type);
		o->proto = BPF_CORE_READ(sk, sk_protocol);
		o->state = BPF_CORE_READ(sk, __sk_common.skc_state);
		o->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		o->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (o->family == AF_INET) {
			bpf_probe_read_kernel(o->laddr, 4, __builtin_preserve_access_index(&sk->__sk_common.skc_rcv_saddr));
			bpf_probe_read_kernel(o->raddr, 4, __builtin_preserve_access_index(&sk->__sk_common.skc_daddr));
		} else if (o->family == AF_INET6) {
			bpf_probe_read_kernel(o->laddr, 16, __builtin_preserve_access_index(&sk->__sk_common.skc_v6_rcv_saddr));
			bpf_probe_read_kernel(o->raddr, 16, __builtin_preserve_access_index(&sk->__sk_common.skc_v6_daddr));
		}
	}
	sec_hdr(buf, off, sizeof(struct vg_fd), TA(VG_SEC_FD, arg));
	off += SEC_SIZE + sizeof(struct vg_fd);
	if (sk && o->family == AF_UNIX) {
		struct unix_sock *u = (void *)sk;
		off = sec_unix_addr(sb, off, VG_SEC_UNIX_LOCAL, addr_of(u));
		struct sock *peer = BPF_CORE_READ(u, peer);
		if (peer)
			off = sec_unix_addr(sb, off, VG_SEC_UNIX_PEER, addr_of(peer));
	}
	return off;
}

/* The start time (boot-based ns) of t's process: its group leader's. It
 * tells a process from a later one with the same pid. */
static __always_inline __u64 leader_start(struct task_struct *t)
{
	struct task_struct *leader = BPF_CORE_READ(t, group_leader);
	if (bpf_core_field_exists(leader->start_boottime))
		return BPF_CORE_READ(leader, start_boottime);
	struct task_struct___old *lo = (void *)leader;
	return BPF_CORE_READ(lo, real_start_time);
}

static __always_inline __u32 pid_nr_at(struct pid *p, unsigned int level)
{
	if (!p)
		return 0;
	unsigned int pl = BPF_CORE_READ(p, level);
	if (level > pl)
		return 0;
	struct upid u = {};
	bpf_probe_read_kernel(&u, sizeof(u), __builtin_preserve_access_index(&p->numbers[level & 31]));
	return u.nr;
}

GLOBAL __u32 sec_proc(struct scratch_buf *sb, __u32 off, __u64 tp)
{
	if (!sb || !ROOM(off) || !tp)
		return off;
	__u8 *buf = sb->b;
	struct task_struct *t = (void *)tp;
	off = BOUNDED(off, 0x7fff);
	struct vg_proc *p = (void *)&buf[off + SEC_SIZE];
	__builtin_memset(p, 0, sizeof(*p));
	p->pid = BPF_CORE_READ(t, tgid);
	p->tid = BPF_CORE_READ(t, pid);
	p->ppid = BPF_CORE_READ(t, real_parent, tgid);
	struct pid *tpid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(tpid, level);
	p->vtid = pid_nr_at(tpid, level);
	p->vpid = pid_nr_at(BPF_CORE_READ(t, group_leader, thread_pid), level);
	const struct cred *c = BPF_CORE_READ(t, cred);
	p->uid = BPF_CORE_READ(c, uid.val);
	p->gid = BPF_CORE_READ(c, gid.val);
	p->euid = BPF_CORE_READ(c, euid.val);
	p->egid = BPF_CORE_READ(c, egid.val);
	bpf_probe_read_kernel(&p->cap_eff, 8, __builtin_preserve_access_index(&c->cap_effective));
	bpf_probe_read_kernel(&p->cap_prm, 8, __builtin_preserve_access_index(&c->cap_permitted));
	bpf_probe_read_kernel(&p->cap_inh, 8, __builtin_preserve_access_index(&c->cap_inheritable));
	if (bpf_core_field_exists(t->loginuid))
		p->loginuid = BPF_CORE_READ(t, loginuid.val);
	else
		p->loginuid = (__u32)-1;
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	struct pid *sid = 0, *pg = 0;
	int sidt = bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
	int pgt = bpf_core_enum_value(enum pid_type, PIDTYPE_PGID);
	bpf_probe_read_kernel(&sid, sizeof(sid), __builtin_preserve_access_index(&sig->pids[sidt & 3]));
	bpf_probe_read_kernel(&pg, sizeof(pg), __builtin_preserve_access_index(&sig->pids[pgt & 3]));
	p->sid = pid_nr_at(sid, 0);
	p->pgid = pid_nr_at(pg, 0);
	p->vpgid = pid_nr_at(pg, level);
	struct tty_struct *tty = BPF_CORE_READ(sig, tty);
	if (tty) {
		p->tty_major = BPF_CORE_READ(tty, driver, major);
		p->tty_minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	}
	p->start_boot_ns = leader_start(t);
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);
	if (exe) {
		struct inode *ino = BPF_CORE_READ(exe, f_inode);
		p->exe_ino = BPF_CORE_READ(ino, i_ino);
		unsigned long magic = BPF_CORE_READ(ino, i_sb, s_magic);
		if (magic == OVERLAYFS_SUPER_MAGIC) {
			/* overlayfs embeds the vfs inode in struct ovl_inode, directly
			 * followed by the upper dentry pointer: set when the file lives
			 * in (was written to) the upper layer. */
			void *upper = 0;
			bpf_probe_read_kernel(&upper, sizeof(upper), (void *)ino + bpf_core_type_size(struct inode));
			if (upper)
				p->flags |= VG_PROC_UPPER;
		}
	}
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), __builtin_preserve_access_index(&t->comm));
	sec_hdr(buf, off, sizeof(struct vg_proc), TA(VG_SEC_PROC, 0));
	return off + SEC_SIZE + sizeof(struct vg_proc);
}

/* argv[j] of a native (8-byte pointers) or compat (4-byte) caller. */
static __always_inline __u64 user_argv_at(__u64 uptr, int j, __u32 compat)
{
	if (compat) {
		__u32 a = 0;
		if (bpf_probe_read_user(&a, sizeof(a), (const __u32 *)uptr + j) != 0)
			return 0;
		return a;
	}
	__u64 a = 0;
	if (bpf_probe_read_user(&a, sizeof(a), (const __u64 *)uptr + j) != 0)
		return 0;
	return a;
}

static __always_inline __u64 ts_ns(struct timespec64 *ts)
{
	struct timespec64 t = {};
	bpf_probe_read_kernel(&t, sizeof(t), ts);
	return (__u64)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* The executable's inode (struct vg_exeinfo). */
GLOBAL __u32 sec_exeinfo(struct scratch_buf *sb, __u32 off, __u64 inop)
{
	if (!sb || !ROOM(off) || !inop)
		return off;
	__u8 *buf = sb->b;
	struct inode *ino = (void *)inop;
	off = BOUNDED(off, 0x7fff);
	struct vg_exeinfo *e = (void *)&buf[off + SEC_SIZE];
	__builtin_memset(e, 0, sizeof(*e));
	e->mode = BPF_CORE_READ(ino, i_mode);
	e->uid = BPF_CORE_READ(ino, i_uid.val);
	e->gid = BPF_CORE_READ(ino, i_gid.val);
	if (BPF_CORE_READ(ino, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC)
		e->flags |= VG_EXE_OVERLAY;
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		/* multigrain timestamps (6.13) keep a "queried" flag in bit 31
		 * of the ctime's nanoseconds */
		e->ctime_ns = (__u64)BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ULL +
			      (BPF_CORE_READ(ino, i_ctime_nsec) & 0x7fffffff);
		e->mtime_ns = (__u64)BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ULL + BPF_CORE_READ(ino, i_mtime_nsec);
	} else {
		struct inode___v67 *n = (void *)ino;
		struct inode___v66 *m = (void *)ino;
		struct inode___old *o = (void *)ino;
		if (bpf_core_field_exists(n->__i_ctime))
			e->ctime_ns = ts_ns(__builtin_preserve_access_index(&n->__i_ctime));
		else if (bpf_core_field_exists(o->i_ctime))
			e->ctime_ns = ts_ns(__builtin_preserve_access_index(&o->i_ctime));
		if (bpf_core_field_exists(n->__i_mtime))
			e->mtime_ns = ts_ns(__builtin_preserve_access_index(&n->__i_mtime));
		else if (bpf_core_field_exists(m->i_mtime))
			e->mtime_ns = ts_ns(__builtin_preserve_access_index(&m->i_mtime));
	}
	sec_hdr(buf, off, sizeof(struct vg_exeinfo), TA(VG_SEC_EXEINFO, 0));
	return off + SEC_SIZE + sizeof(struct vg_exeinfo);
}

/* Failed execve: the caller's argv is still in its memory. Marked
 * VG_SEC_TRUNC when arguments are left out (more than MAX_ARGV, or past
 * MAX_STR bytes); each argument is cut at MAX_NAME - 1 bytes unmarked. */
GLOBAL __u32 sec_user_argv(struct scratch_buf *sb, __u32 off, __u32 ta, __u64 uptr, __u32 compat)
{
	if (!sb || !ROOM(off))
		return off;
	__u8 *buf = sb->b;
	off = BOUNDED(off, 0x7fff);
	/* the cut flag lives in the buffer, not in a register: a register
	 * would split the verifier's states at every argument */
	__u8 *cut = &buf[off + 3];
	*cut = 0;
	__u32 pos = off + SEC_SIZE;
	int j = 0;
	for (; j < MAX_ARGV; j++) {
		__u64 a = user_argv_at(uptr, j, compat);
		if (!a)
			break;
		__u32 p = pos;
		if (p > SCRATCH_SIZE - MAX_NAME || pos - off > MAX_STR - MAX_NAME) {
			*cut = VG_SEC_TRUNC;
			break;
		}
		long n = bpf_probe_read_user_str(&buf[BOUNDED(p, 0xffff)], MAX_NAME, (const void *)a);
		if (n <= 0)
			break;
		pos += n;
	}
	if (j == MAX_ARGV && user_argv_at(uptr, j, compat))
		*cut = VG_SEC_TRUNC;
	sec_hdr(buf, off, pos - off - SEC_SIZE, ta | *cut);
	return pos;
}

static __always_inline struct vg_hdr *begin(struct scratch_buf *sb, __u16 kind, __u32 cpu, __u64 id)
{
	struct vg_hdr *h = (void *)sb->b;
	h->ts = bpf_ktime_get_boot_ns();
	h->ret = 0;
	h->tgid = id >> 32;
	h->tid = (__u32)id;
	h->kind = kind;
	h->cpu = cpu;
	h->nargs = 0;
	h->flags = 0;
	return h;
}

static __always_inline void finish(struct scratch_buf *sb, __u32 off, __u32 cpu)
{
	struct vg_hdr *h = (void *)sb->b;
	h->len = off;
	emit(sb->b, off, cpu);
}

/* Records a successful close of fd < 64 in the process's bitmap instead of
 * writing it; false when the map is full (the close is written then). */
static __always_inline bool defer_close(__u32 tgid, __u64 fd)
{
	__u64 bit = 1ULL << (fd & 63);
	__u64 *v = bpf_map_lookup_elem(&closed_fds, &tgid);
	if (!v) {
		if (bpf_map_update_elem(&closed_fds, &tgid, &bit, BPF_NOEXIST) == 0)
			return true;
		/* another thread of the process created the entry */
		v = bpf_map_lookup_elem(&closed_fds, &tgid);
		if (!v)
			return false;
	}
	/* already pending: the fd was reopened by a syscall the receiver does
	 * not track and closed again; the receiver forgets it once */
	if (!(*v & bit))
		__sync_fetch_and_add(v, bit);
	return true;
}

/* Moves the process's deferred closes into the record being built. */
static __always_inline __u32 sec_closed(struct scratch_buf *sb, __u32 off, __u32 tgid)
{
	__u64 *v = bpf_map_lookup_elem(&closed_fds, &tgid);
	if (!v)
		return off;
	__u64 bits = *v;
	if (!bits || !ROOM(off))
		return off;
	/* subtract what was read: bits set meanwhile stay for the next record */
	__sync_fetch_and_add(v, -bits);
	off = BOUNDED(off, 0x7fff);
	__u8 *buf = sb->b;
	sec_hdr(buf, off, 8, TA(VG_SEC_CLOSED, 0));
	__builtin_memcpy(&buf[off + SEC_SIZE], &bits, 8);
	return off + SEC_SIZE + 8;
}

/* The msg_name of a user msghdr, native or compat (struct compat_msghdr:
 * a 4-byte msg_name, then msg_namelen). */
GLOBAL __u32 sec_msghdr_name(struct scratch_buf *sb, __u32 off, __u32 ta, __u64 uptr, __u32 compat)
{
	if (!sb || !uptr)
		return off;
	__u64 name = 0;
	int namelen = 0;
	if (compat) {
		__u32 cm[2] = {};
		if (bpf_probe_read_user(cm, sizeof(cm), (void *)uptr) != 0)
			return off;
		name = cm[0];
		namelen = (int)cm[1];
	} else {
		struct user_msghdr mh = {};
		if (bpf_probe_read_user(&mh, sizeof(mh), (void *)uptr) != 0)
			return off;
		name = addr_of(mh.msg_name);
		namelen = mh.msg_namelen;
	}
	if (!name || namelen <= 0)
		return off;
	return sec_user_bytes(sb, off, ta, name, namelen);
}

/* Whether the path at upath passes syscall nr's path filter for the
 * access mode in bits 8-9 of filt (BPF calls take five arguments). The probe
 * judges only what the receiver would leave as is: an absolute path without
 * "//", "/.", ".." or a trailing "/" (rules/approver.Judged), shorter than
 * the key. Every other path passes. The key is built at the start of the
 * scratch buffer, which the record overwrites afterwards. */
GLOBAL int approve_path(struct scratch_buf *sb, __u32 nr, __u32 filt, __u32 gen, __u64 upath)
{
	if (!sb || !upath)
		return 1;
	struct path_key *k = (void *)sb->b;
	struct path_key *r = (void *)&sb->b[256];
	long n = bpf_probe_read_user_str(k->path, VG_PATH_KEY, (void *)upath);
	if (n < 2 || n >= VG_PATH_KEY || k->path[0] != '/')
		return 1;
	__u32 len = n - 1;
	if (len > 1 && k->path[(len - 1) & 0x7f] == '/')
		return 1;
	/* one pass judges the path and, for suffixes, writes it reversed */
	bool rev = filt & VG_FILT_SUFFIX;
	__u8 prev = '/';
	for (__u32 i = 1; i < VG_PATH_KEY - 1; i++) {
		if (i >= len)
			break;
		__u8 c = k->path[i];
		if ((prev == '/' && (c == '/' || c == '.')) || (prev == '.' && c == '.'))
			return 1;
		prev = c;
		if (rev)
			r->path[(len - 1 - i) & 0x7f] = c;
	}
	k->gen = gen;
	k->nr = nr;
	if (filt & VG_FILT_PREFIX) {
		k->kind = VG_PATH_PREFIX | (filt >> 8 & 3) << 1;
		k->prefixlen = 32 + 8 * (len + 1); /* the NUL too: exact names */
		if (bpf_map_lookup_elem(&path_filter, k))
			return 1;
	}
	if (rev) {
		r->path[(len - 1) & 0x7f] = '/';
		r->gen = gen;
		r->kind = VG_PATH_SUFFIX | (filt >> 8 & 3) << 1;
		r->nr = nr;
		r->prefixlen = 32 + 8 * len;
		if (bpf_map_lookup_elem(&path_filter, r))
			return 1;
	}
	return 0;
}

/* Whether the current process's name passes syscall nr's name filter of
 * access mode mode: it is in name_filter, or the probe does not know it. */
GLOBAL int approve_name(__u32 nr, __u32 mode, __u32 gen)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct proc_name *pn = bpf_map_lookup_elem(&proc_names, &tgid);
	if (!pn || !pn->comm[0])
		return 1;
	struct name_key k = {.gen = gen, .mode = mode, .nr = nr};
	__builtin_memcpy(k.comm, pn->comm, sizeof(k.comm));
	return bpf_map_lookup_elem(&name_filter, &k) != 0;
}

/* Whether the current process's place (host or container) is one of
 * where; a process whose place the probe cannot trust passes. */
GLOBAL int approve_place(__u32 where)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct proc_place *pl = bpf_map_lookup_elem(&proc_places, &tgid);
	if (!pl)
		return 1;
	struct proc_name *pn = bpf_map_lookup_elem(&proc_names, &tgid);
	if (!pn || pn->start != pl->start || pn->stamp != pl->stamp)
		return 1;
	return (pl->place & where) != 0;
}

/* Keeps the name a new process, or one that has just exec'd, goes by
 * (proc_names): its comm now, as the receiver reads it from the record.
 * An exec keeps the process's place stamp; a fork, or an exec the probe
 * has no stamp for, gets a new one. Returns the stamp, for the record
 * (read before the record's cgroups: a move after it changes the stamp,
 * so a record never pairs a stamp with cgroups older than it), or 0 when
 * the entry could not be stored (the map full), which deletes it. */
static __always_inline __u64 remember_name(__u32 tgid, struct task_struct *t, bool exec)
{
	struct proc_name pn = {};
	if (exec) {
		struct proc_name *old = bpf_map_lookup_elem(&proc_names, &tgid);
		if (old)
			pn.stamp = old->stamp;
	}
	if (!pn.stamp)
		pn.stamp = next_place_stamp();
	bpf_probe_read_kernel_str(pn.comm, sizeof(pn.comm), __builtin_preserve_access_index(&t->comm));
	pn.start = leader_start(t);
	if (bpf_map_update_elem(&proc_names, &tgid, &pn, BPF_ANY) != 0) {
		/* the old entry (a name before the exec, a stamp before the
		 * fork) is not this process's now: none passes */
		bpf_map_delete_elem(&proc_names, &tgid);
		return 0;
	}
	return pn.stamp;
}

/* The place stamp as a section of the record being built. */
static __always_inline __u32 sec_place(struct scratch_buf *sb, __u32 off, __u64 stamp)
{
	if (!stamp || !ROOM(off))
		return off;
	off = BOUNDED(off, 0x7fff);
	__u8 *buf = sb->b;
	sec_hdr(buf, off, 8, TA(VG_SEC_PLACE, 0));
	__builtin_memcpy(&buf[off + SEC_SIZE], &stamp, 8);
	return off + SEC_SIZE + 8;
}

/* A new process runs where its parent runs: it has the parent's cgroups.
 * When the probe trusts the parent's place, the child gets it at once,
 * before the receiver reads the fork (which decides the same: the child
 * inherits the parent's container unless its cgroups name another, and
 * they are the parent's). A child cloned into other cgroups
 * (CLONE_INTO_CGROUP: another css_set, and no cgroup_attach_task) gets
 * nothing, and waits for the receiver. */
static __always_inline void inherit_place(struct task_struct *parent, __u32 tgid, struct task_struct *child, __u64 stamp)
{
	if (!stamp)
		return;
	if (BPF_CORE_READ(child, cgroups) != BPF_CORE_READ(parent, cgroups))
		return;
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	struct proc_place *pl = bpf_map_lookup_elem(&proc_places, &ptgid);
	if (!pl)
		return;
	struct proc_name *pn = bpf_map_lookup_elem(&proc_names, &ptgid);
	if (!pn || pn->start != pl->start || pn->stamp != pl->stamp)
		return;
	struct proc_place c = {.start = leader_start(child), .stamp = stamp, .place = pl->place};
	bpf_map_update_elem(&proc_places, &tgid, &c, BPF_ANY);
}

/* Whether the file at fa passes a socket-class filter: only an inet socket
 * of protocol TCP or UDP can fail it. */
GLOBAL int approve_sock(__u64 fa, __u32 allowed)
{
	if (!fa)
		return 1;
	struct file *f = (void *)fa;
	__u32 mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return 1;
	struct socket *so = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(so, sk);
	if (!sk)
		return 1;
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (fam != AF_INET && fam != AF_INET6)
		return 1;
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);
	if (proto == 6)
		return (allowed & VG_PROTO_TCP) != 0;
	if (proto == 17)
		return (allowed & VG_PROTO_UDP) != 0;
	return 1;
}

/* The current task is in a compat (ia32) syscall: x86's TS_COMPAT in
 * thread_info.status, set on the int 0x80 / sysenter entry paths. */
#define TS_COMPAT 0x0002
static __always_inline bool in_ia32_syscall(void)
{
	struct task_struct *t;
	if (direct_reads) {
		t = bpf_get_current_task_btf();
		return t->thread_info.status & TS_COMPAT;
	}
	t = (void *)bpf_get_current_task();
	return BPF_CORE_READ(t, thread_info.status) & TS_COMPAT;
}

/* Argument i of the current syscall, native or ia32. */
static __always_inline __u64 arg_at(struct pt_regs *regs, __u32 compat, __u32 i)
{
	switch (i) {
	case 0:
		return compat ? (__u32)regs->bx : regs->di;
	case 1:
		return compat ? (__u32)regs->cx : regs->si;
	case 2:
		return compat ? (__u32)regs->dx : regs->dx;
	case 3:
		return compat ? (__u32)regs->si : regs->r10;
	case 4:
		return compat ? (__u32)regs->di : regs->r8;
	case 5:
		return compat ? (__u32)regs->bp : regs->r9;
	}
	return 0;
}

/* The access mode (flags & O_ACCMODE) of an open whose flags are where
 * flags_arg says (VG_FLAGS_*): 0 when it has none, -1 when they cannot be
 * read. */
static __always_inline int open_mode(struct pt_regs *regs, __u32 compat, __u8 flags_arg)
{
	__u32 i = flags_arg & VG_FLAGS_ARG;
	if (!i)
		return 0;
	__u64 a = arg_at(regs, compat, i - 1);
	if (flags_arg & VG_FLAGS_HOW) {
		__u64 flags;
		if (bpf_probe_read_user(&flags, sizeof(flags), (void *)a))
			return -1;
		a = flags;
	}
	return a & 3;
}

/* Whether the call passes its syscall's kernel filters (spec.filt). An
 * open whose flags cannot be read passes the access and path filters. */
static __always_inline bool approve(struct scratch_buf *sb, struct spec *sp, __u32 nr, struct pt_regs *regs, long ret, __u32 compat)
{
	__u8 filt = sp->filt;
	if ((filt & VG_FILT_OUTCOME) && !(sp->outcome & (ret >= 0 ? VG_OUT_SUCCESS : VG_OUT_FAILURE)))
		return false;
	if ((filt & VG_FILT_PROTO) && sp->fd_src >= 1 && sp->fd_src <= 6 &&
	    !approve_sock(fd_file((int)arg_at(regs, compat, sp->fd_src - 1)), sp->proto))
		return false;
	if ((filt & VG_FILT_WHERE) && !approve_place(sp->where))
		return false;
	if (!(filt & (VG_FILT_ACCESS | VG_FILT_PATH | VG_FILT_NAME)))
		return true;
	int mode = open_mode(regs, compat, sp->flags_arg);
	if (mode < 0)
		return true;
	if ((filt & VG_FILT_ACCESS) && !(sp->access & (1 << mode)))
		return false;
	/* the mode's selector: a name in the set, or a path that passes */
	bool named = (filt & VG_FILT_NAME) && (sp->name_modes & (1 << mode));
	bool pathed = (filt & VG_FILT_PATH) && (sp->path_modes & (1 << mode));
	if (named && approve_name(nr, mode, sp->gen))
		return true;
	if (pathed)
		return approve_path(sb, nr, filt | mode << 8, sp->gen, arg_at(regs, compat, sp->path_arg));
	return !named;
}

/* Learned discarders (issue 13, bpf/event.h VG_SEC_DISC). The receiver
 * installs a key (syscall, access mode, mount namespace, device, inode,
 * hash of the path as passed) when no rule can match an open of that path; a later
 * successful open with the same key is not written. The path hash is what
 * keeps a symlink, a hard link, a bind mount or a relative name (which the
 * rules see under another fd.name) from reaching an entry made for
 * another name. An entry is stale, deleted and the call passed, when the
 * inode's ctime or generation changed (rename, unlink, link, chmod, chown,
 * write: a reused inode number has a new ctime and generation) or when the
 * rules changed (disc_ctl.gen). A rename or mount elsewhere needs no
 * invalidation: what the rules are asked depends only on the syscall, the
 * access mode and the path as passed, and a path that now leads to another
 * inode gives another key, a directory renamed away another path hash. */
#define VG_DISC_MAX 65536

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VG_DISC_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vg_disc_key);
	__type(value, struct vg_disc_val);
} discarders SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_disc_ctl);
} disc_ctl SEC(".maps");

/* The key and stamp of the call being recorded, for its VG_SEC_DISC. */
struct disc_note {
	__u32 valid;
	__u32 pad;
	struct vg_disc d;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct disc_note);
} disc_notes SEC(".maps");

/* Calls discarded, and stale entries deleted, per CPU, by syscall. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u64);
} disc_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u64);
} disc_stale SEC(".maps");

/* FNV-1a 64 of the user path at upath, read into the start of the scratch
 * buffer (the record overwrites it afterwards); 0 when it is not absolute
 * or not shorter than VG_DISC_PATH. */
GLOBAL __u64 disc_hash(struct scratch_buf *sb, __u64 upath)
{
	if (!sb || !upath)
		return 0;
	__u8 *p = sb->b;
	long n = bpf_probe_read_user_str(p, VG_DISC_PATH, (void *)upath);
	if (n < 2 || n >= VG_DISC_PATH || p[0] != '/')
		return 0;
	__u64 h = 0xcbf29ce484222325ULL;
	for (__u32 i = 0; i < VG_DISC_PATH - 1; i++) {
		if (i >= n - 1)
			break;
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/* Fills note with the key and stamp of the regular file fa that the
 * current call opened from the path at upath, and reports whether a live
 * discarder holds that key (stale ones are deleted here). note->d.key.nr
 * and mode are set by the caller. */
GLOBAL int disc_lookup(struct scratch_buf *sb, struct disc_note *note, struct vg_disc_ctl *ctl, __u64 upath, __u64 fa)
{
	if (!sb || !note || !ctl || !fa)
		return 0;
	struct file *f = (void *)fa;
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	if ((BPF_CORE_READ(ino, i_mode) & S_IFMT) != 0100000)
		return 0;
	__u64 h = disc_hash(sb, upath);
	if (!h)
		return 0;
	struct vg_disc *d = &note->d;
	struct task_struct *t = (void *)bpf_get_current_task();
	d->key.mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	d->key.ino = BPF_CORE_READ(ino, i_ino);
	d->key.dev = BPF_CORE_READ(ino, i_sb, s_dev);
	d->key.phash = h;
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		d->val.ctime_sec = BPF_CORE_READ(ino, i_ctime_sec);
		/* bit 31 is multigrain timestamps' "queried" flag, which a
		 * stat sets without changing the time */
		d->val.ctime_nsec = BPF_CORE_READ(ino, i_ctime_nsec) & 0x7fffffff;
	} else {
		struct inode___v67 *nw = (void *)ino;
		struct inode___old *o = (void *)ino;
		struct timespec64 ts = {};
		if (bpf_core_field_exists(nw->__i_ctime))
			bpf_probe_read_kernel(&ts, sizeof(ts), __builtin_preserve_access_index(&nw->__i_ctime));
		else if (bpf_core_field_exists(o->i_ctime))
			bpf_probe_read_kernel(&ts, sizeof(ts), __builtin_preserve_access_index(&o->i_ctime));
		d->val.ctime_sec = ts.tv_sec;
		d->val.ctime_nsec = ts.tv_nsec & 0x7fffffff;
	}
	d->val.igen = BPF_CORE_READ(ino, i_generation);
	d->val.gen = ctl->gen;
	note->valid = 1;
	if (!ctl->entries)
		return 0;
	struct vg_disc_val *v = bpf_map_lookup_elem(&discarders, &d->key);
	if (!v)
		return 0;
	__u32 nr = d->key.nr;
	if (v->ctime_sec == d->val.ctime_sec && v->ctime_nsec == d->val.ctime_nsec && v->igen == d->val.igen &&
	    v->gen == d->val.gen) {
		note->valid = 0;
		__u64 *c = bpf_map_lookup_elem(&disc_hits, &nr);
		if (c)
			*c += 1; /* per CPU: no other writer */
		return 1;
	}
	bpf_map_delete_elem(&discarders, &d->key);
	__u64 *c = bpf_map_lookup_elem(&disc_stale, &nr);
	if (c)
		*c += 1;
	return 0;
}

/* Whether a call that passed the kernel filters is discarded. Only the
 * successful calls of the syscalls the receiver turned discarding on for
 * (disc_ctl.path_arg) get this far. */
static __always_inline bool discard(struct scratch_buf *sb, __u32 nr, struct pt_regs *regs, long ret, __u32 compat)
{
	__u32 zero = 0;
	struct vg_disc_ctl *ctl = bpf_map_lookup_elem(&disc_ctl, &zero);
	if (!ctl || ret < 0 || nr >= VG_MAX_SYSCALLS)
		return false;
	__u8 pa = ctl->path_arg[nr & (VG_MAX_SYSCALLS - 1)];
	if (!pa || pa > 6)
		return false;
	int mode = open_mode(regs, compat, ctl->flags_arg[nr & (VG_MAX_SYSCALLS - 1)]);
	if (mode < 0)
		return false;
	struct disc_note *note = bpf_map_lookup_elem(&disc_notes, &zero);
	if (!note)
		return false;
	note->valid = 0;
	note->d.key.nr = nr;
	note->d.key.mode = mode;
	return disc_lookup(sb, note, ctl, arg_at(regs, compat, pa - 1), fd_file(ret));
}

/* The VG_SEC_DISC section of the record being built, if its call left a
 * note. */
static __always_inline __u32 sec_disc(struct scratch_buf *sb, __u32 off)
{
	__u32 zero = 0;
	struct disc_note *note = bpf_map_lookup_elem(&disc_notes, &zero);
	if (!note || !note->valid || !ROOM(off))
		return off;
	note->valid = 0;
	off = BOUNDED(off, 0x7fff);
	__u8 *buf = sb->b;
	sec_hdr(buf, off, sizeof(struct vg_disc), TA(VG_SEC_DISC, 0));
	__builtin_memcpy(&buf[off + SEC_SIZE], &note->d, sizeof(struct vg_disc));
	return off + SEC_SIZE + sizeof(struct vg_disc);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	/* Every syscall of every process passes here: the switched-off ones
	 * leave after the table and spec lookups, before any other helper. */
	__u64 nr = regs->orig_ax;
	if (nr >= VG_MAX_SYSCALLS)
		return 0;
	__u32 key = nr, slot = 0;
	void *specs = bpf_map_lookup_elem(&syscall_spec, &slot);
	if (!specs)
		return 0;
	struct spec *sp = bpf_map_lookup_elem(specs, &key);
	if (!sp || (sp->on == VG_ON_OFF && sp->ia32 == VG_IA32_OFF))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	if (tgid == self_tgid)
		return 0;
	/* An ia32 task's numbers and argument registers are not the native
	 * ones (its read is the native close): translate or count it, never
	 * read it with the native spec. */
	__u32 compat = in_ia32_syscall();
	if (compat) {
		if (sp->ia32 == VG_IA32_DROP) {
			__u64 *c = bpf_map_lookup_elem(&compat_drops, &key);
			if (c)
				__sync_fetch_and_add(c, 1);
			return 0;
		}
		if (sp->ia32 != VG_IA32_TRANSLATE)
			return 0;
		key = sp->ia32_nr;
		sp = bpf_map_lookup_elem(specs, &key);
		if (!sp || sp->on == VG_ON_OFF)
			return 0;
	} else if (sp->on == VG_ON_OFF) {
		return 0;
	}
	__u64 a0 = compat ? (__u32)regs->bx : regs->di;
	if (sp->on == VG_ON_DEFER) {
		/* close for the fd table only: a failed close changed nothing */
		if (ret != 0)
			return 0;
		if (a0 < 64 && defer_close(tgid, a0))
			return 0;
	}
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_buf *sb = get_scratch(cpu);
	if (!sb)
		return 0;
	__u8 filt = sp->filt;
	if (filt && !approve(sb, sp, key, regs, ret, compat)) {
		__u64 *c = bpf_map_lookup_elem(&filtered, &key);
		if (c)
			*c += 1; /* per CPU: no other writer */
		return 0;
	}
	if (discard(sb, key, regs, ret, compat))
		return 0;
	struct vg_hdr *h = begin(sb, key, cpu, id);
	h->ret = ret;
	if (compat) {
		/* ia32 passes arguments in ebx, ecx, edx, esi, edi, ebp */
		__u64 args[VG_MAX_ARGS] = {(__u32)regs->bx, (__u32)regs->cx, (__u32)regs->dx,
					   (__u32)regs->si, (__u32)regs->di, (__u32)regs->bp};
		__builtin_memcpy(h->args, args, sizeof(args));
		h->flags = VG_HDR_COMPAT;
	} else {
		__u64 args[VG_MAX_ARGS] = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9};
		__builtin_memcpy(h->args, args, sizeof(args));
	}
	__u32 nargs = sp->nargs;
	if (nargs > VG_MAX_ARGS)
		nargs = VG_MAX_ARGS;
	h->nargs = nargs;
	__u32 off = HDR_SIZE + nargs * 8;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 6; i++) {
		__u8 kind = sp->kind[i];
		if (kind == VG_ARG_NONE)
			continue;
		/* only arguments below nargs are read here: the sections being
		 * written start after those */
		__u64 uptr = h->args[i];
		__u64 next = i < 5 ? h->args[i + 1] : 0;
		if (kind == VG_ARG_STR) {
			off = sec_user_str(sb, off, TA(VG_SEC_STR, i), uptr);
		} else if (kind == VG_ARG_SOCKADDR) {
			off = sec_user_bytes(sb, off, TA(VG_SEC_SOCKADDR, i), uptr, (__u32)next);
		} else if (kind == VG_ARG_SOCKADDR_OUT) {
			int alen = 0;
			if (ret >= 0 && uptr && next && bpf_probe_read_user(&alen, sizeof(alen), (void *)next) == 0 && alen > 0)
				off = sec_user_bytes(sb, off, TA(VG_SEC_SOCKADDR, i), uptr, alen);
		} else if (kind == VG_ARG_MSGHDR) {
			off = sec_msghdr_name(sb, off, TA(VG_SEC_SOCKADDR, i), uptr, h->flags & VG_HDR_COMPAT);
		} else if (kind == VG_ARG_INTPAIR) {
			if (ret >= 0)
				off = sec_user_bytes(sb, off, TA(VG_SEC_INTPAIR, i), uptr, 8);
		} else if (kind == VG_ARG_OPENHOW) {
			off = sec_user_bytes(sb, off, TA(VG_SEC_OPENHOW, i), uptr, 24);
		} else if (kind == VG_ARG_ARGV && ret < 0) {
			off = sec_user_argv(sb, off, TA(VG_SEC_ARGV, i), uptr, h->flags & VG_HDR_COMPAT);
		}
	}
	__u8 fs = sp->fd_src;
	if (fs == VG_FD_RET) {
		if (ret >= 0)
			off = sec_fd(sb, off, VG_FD_RET, ret);
	} else if (fs >= 1 && fs <= 6) {
		off = sec_fd(sb, off, fs - 1, (int)h->args[(fs - 1) & 7]);
	}
	if (sp->proc && ret == 0)
		off = sec_proc(sb, off, bpf_get_current_task());
	off = sec_disc(sb, off);
	off = sec_closed(sb, off, tgid);
	finish(sb, off, cpu);
	return 0;
}

/* Run with BPF_PROG_TEST_RUN, never attached: returns the caller's tgid as
 * the kernel numbers it (the host's), which differs from getpid() inside a
 * pid namespace. The receiver learns its own tgid this way. */
SEC("raw_tp")
int whoami(void *ctx)
{
	return bpf_get_current_pid_tgid() >> 32;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 tgid = BPF_CORE_READ(child, tgid);
	__u32 pid = BPF_CORE_READ(child, pid);
	if (tgid != pid || tgid == self_tgid)
		return 0; /* a new thread: the process table does not change */
	/* a new process: nothing deferred under its pid is its own */
	bpf_map_delete_elem(&closed_fds, &tgid);
	__u64 stamp = remember_name(tgid, child, false);
	inherit_place(parent, tgid, child, stamp);
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_buf *sb = get_scratch(cpu);
	if (!sb)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	begin(sb, VG_KIND_FORK, cpu, id);
	__u32 off = HDR_SIZE;
	off = sec_proc(sb, off, addr_of(child));
	off = sec_place(sb, off, stamp);
	off = sec_cgroups(sb, off, child);
	/* the child copies the parent's fd table as it is now */
	off = sec_closed(sb, off, id >> 32);
	finish(sb, off, cpu);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *t, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	if (tgid == self_tgid)
		return 0;
	__u64 stamp = remember_name(tgid, t, true);
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_buf *sb = get_scratch(cpu);
	if (!sb)
		return 0;
	begin(sb, VG_KIND_EXEC, cpu, bpf_get_current_pid_tgid());
	__u32 off = HDR_SIZE;
	off = sec_proc(sb, off, addr_of(t));
	off = sec_place(sb, off, stamp);
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	off = sec_user_range(sb, off, TA(VG_SEC_ARGV, 0), BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end));
	if (capture_env)
		off = sec_user_range(sb, off, TA(VG_SEC_ENV, 0), BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end));
	off = sec_kernel_str(sb, off, TA(VG_SEC_FILENAME, 0), addr_of(BPF_CORE_READ(bprm, filename)));
	struct file *exe = BPF_CORE_READ(mm, exe_file);
	if (exe) {
		off = sec_path(sb, off, TA(VG_SEC_EXE, 0), addr_of(__builtin_preserve_access_index(&exe->f_path)));
		off = sec_exeinfo(sb, off, addr_of(BPF_CORE_READ(exe, f_inode)));
	}
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	if (fs)
		off = sec_path(sb, off, TA(VG_SEC_CWD, 0), addr_of(__builtin_preserve_access_index(&fs->pwd)));
	off = sec_cgroups(sb, off, t);
	finish(sb, off, cpu);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *t)
{
	/* Only the last thread of a process ends it. */
	if (BPF_CORE_READ(t, signal, live.counter) != 0)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	bpf_map_delete_elem(&closed_fds, &tgid);
	bpf_map_delete_elem(&proc_names, &tgid);
	bpf_map_delete_elem(&proc_places, &tgid);
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_buf *sb = get_scratch(cpu);
	if (!sb)
		return 0;
	begin(sb, VG_KIND_EXIT, cpu, id);
	finish(sb, HDR_SIZE, cpu);
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(cgroup_attach_task, struct cgroup *dst, const char *path, struct task_struct *t, bool threadgroup)
{
	/* A process moved into another cgroup (how runtimes place a container's
	 * first process): re-read its cgroups so its container id follows. */
	__u32 tgid = BPF_CORE_READ(t, tgid);
	if (tgid == self_tgid)
		return 0;
	/* The place the receiver wrote is stale until it reads this record:
	 * a new stamp, for every process, the probe knew it or not (one older
	 * than the probe gets an entry without a name). Moves of one process
	 * are serialized (cgroup_threadgroup_rwsem): no other move of it
	 * comes between this stamp and the cgroups the record reads. */
	__u64 stamp = next_place_stamp();
	struct proc_name *pn = bpf_map_lookup_elem(&proc_names, &tgid);
	if (pn) {
		pn->stamp = stamp;
	} else if (stamp) {
		struct proc_name n = {.start = leader_start(t), .stamp = stamp};
		if (bpf_map_update_elem(&proc_names, &tgid, &n, BPF_NOEXIST) != 0)
			stamp = 0;
	}
	__u32 cpu = bpf_get_smp_processor_id();
	struct scratch_buf *sb = get_scratch(cpu);
	if (!sb)
		return 0;
	struct vg_hdr *h = begin(sb, VG_KIND_CGROUP, cpu, 0);
	h->tgid = tgid;
	h->tid = BPF_CORE_READ(t, pid);
	__u32 off = HDR_SIZE;
	off = sec_place(sb, off, stamp);
	off = sec_cgroup(sb, off, VG_CG_MOVED, addr_of(dst));
	off = sec_cgroups(sb, off, t);
	finish(sb, off, cpu);
	return 0;
}
