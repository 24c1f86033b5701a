package proctable

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/container"
)

// ProcFS reads processes from a /proc mount.
type ProcFS struct {
	Root string
	// BootWallNs is the wall-clock time of boot, to convert start times.
	BootWallNs int64
	// TicksPerSec is the unit of /proc/PID/stat start times (USER_HZ).
	TicksPerSec int64
}

// Load reads pid from /proc. ok is false when the process is gone.
func (fs *ProcFS) Load(pid int64) (*Process, bool) {
	dir := filepath.Join(fs.Root, strconv.FormatInt(pid, 10))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return nil, false
	}
	p := &Process{PID: pid, VPID: pid, LoginUID: -1, FDs: map[int32]*FD{}, Loaded: true}
	// comm is in parentheses and may itself contain ") "
	open, close := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if open < 0 || close < open {
		return nil, false
	}
	p.Comm = string(stat[open+1 : close])
	f := strings.Fields(string(stat[close+1:]))
	// f[0] is the state (field 3); field N is f[N-3]
	num := func(field int) int64 {
		if field-3 < len(f) {
			v, _ := strconv.ParseInt(f[field-3], 10, 64)
			return v
		}
		return 0
	}
	p.PPID, p.PGID, p.SID, p.TTY = num(4), num(5), num(6), num(7)
	p.VPGID = p.PGID
	if fs.TicksPerSec > 0 {
		p.StartNs = fs.BootWallNs + num(22)*(1e9/fs.TicksPerSec)
	}
	if st, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
		for _, line := range strings.Split(string(st), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			fields := strings.Fields(v)
			switch k {
			case "Uid":
				if len(fields) > 1 {
					u, _ := strconv.ParseUint(fields[1], 10, 32)
					p.UID = uint32(u)
				}
			case "Gid":
				if len(fields) > 1 {
					g, _ := strconv.ParseUint(fields[1], 10, 32)
					p.GID = uint32(g)
				}
			case "NSpid":
				if len(fields) > 0 {
					p.VPID, _ = strconv.ParseInt(fields[len(fields)-1], 10, 64)
				}
			case "NSpgid":
				if len(fields) > 0 {
					p.VPGID, _ = strconv.ParseInt(fields[len(fields)-1], 10, 64)
				}
			case "CapInh", "CapPrm", "CapEff":
				if len(fields) > 0 {
					c, _ := strconv.ParseUint(fields[0], 16, 64)
					s := CapNames(c)
					switch k {
					case "CapInh":
						p.CapInh = s
					case "CapPrm":
						p.CapPrm = s
					default:
						p.CapEff = s
					}
				}
			}
		}
	}
	if cl := readCmdline(filepath.Join(dir, "cmdline")); len(cl) > 0 {
		cl = bytes.TrimRight(cl, "\x00")
		for _, a := range bytes.Split(cl, []byte{0}) {
			p.Args = append(p.Args, string(a))
		}
		p.Exe = p.Args[0]
	}
	if exe, err := os.Readlink(filepath.Join(dir, "exe")); err == nil {
		p.ExePath = strings.TrimSuffix(exe, " (deleted)")
		p.ExeMemfd = strings.HasPrefix(p.ExePath, "/memfd:")
	}
	p.statExe(dir)
	if cwd, err := os.Readlink(filepath.Join(dir, "cwd")); err == nil {
		p.Cwd = cwd
	}
	if lu, err := os.ReadFile(filepath.Join(dir, "loginuid")); err == nil {
		if v, err := strconv.ParseUint(strings.TrimSpace(string(lu)), 10, 32); err == nil && v != 4294967295 {
			p.LoginUID = int64(v)
		}
	}
	if cg, err := os.ReadFile(filepath.Join(dir, "cgroup")); err == nil {
		p.Container, _ = ContainerFromProcCgroup(string(cg))
	}
	if exe, err := os.Stat(filepath.Join(dir, "exe")); err == nil {
		if ino, ok := inode(exe); ok {
			p.ExeIno = ino
		}
	}
	p.SetCmdline()
	return p, true
}

// MaxCmdline is how much of a command line is kept: the probe copies at
// most MAX_STR-1 bytes of an exec's argv (bpf/vigil.bpf.c), as Falco's
// drivers do, so a process seeded from /proc must not carry more than one
// the probe saw exec. Unbounded, a CI runner's 60 KB command line rode on
// every alert of its descendants (as vigil.proc.acmdlines) and pushed them
// past Loki's structured-metadata limit.
const MaxCmdline = 4095

// readCmdline reads at most MaxCmdline bytes of /proc/PID/cmdline.
func readCmdline(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, MaxCmdline)
	n, _ := io.ReadFull(f, buf)
	return buf[:n]
}

// ContainerFromProcCgroup scans /proc/PID/cgroup lines
// ("hierarchy:controllers:path") for a container path.
func ContainerFromProcCgroup(s string) (container.Info, bool) {
	for _, line := range strings.Split(s, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if info, ok := container.FromCgroup(parts[2]); ok {
			return info, true
		}
	}
	return container.Info{}, false
}

// FDName reads the target of /proc/PID/fd/N ("/etc/passwd",
// "socket:[123]", "pipe:[456]", "anon_inode:[eventfd]").
func (fs *ProcFS) FDName(pid int64, fd int32) (string, bool) {
	s, err := os.Readlink(filepath.Join(fs.Root, strconv.FormatInt(pid, 10), "fd", strconv.FormatInt(int64(fd), 10)))
	if err != nil {
		return "", false
	}
	return s, true
}

// Scan loads every process under Root into t.
func (fs *ProcFS) Scan(t *Table) error {
	ents, err := os.ReadDir(fs.Root)
	if err != nil {
		return err
	}
	for _, e := range ents {
		pid, err := strconv.ParseInt(e.Name(), 10, 64)
		if err != nil {
			continue
		}
		if p, ok := fs.Load(pid); ok {
			t.Put(p)
		}
	}
	return nil
}

var capNames = [...]string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
	"CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
	"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

var (
	capMu    sync.Mutex
	capCache = map[uint64]string{}
)

// CapNames renders a capability mask as space-separated CAP_* names
// (Falco's thread.cap_*). Results are cached: processes share few masks.
func CapNames(mask uint64) string {
	capMu.Lock()
	defer capMu.Unlock()
	if s, ok := capCache[mask]; ok {
		return s
	}
	var b strings.Builder
	for i, n := range capNames {
		if mask&(1<<uint(i)) != 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(n)
		}
	}
	s := b.String()
	if len(capCache) < 4096 {
		capCache[mask] = s
	}
	return s
}
