// Package syscalls is the receiver's syscall table: for each syscall the
// probe supports, its number, what the probe reads (bpf/event.h VG_ARG_*),
// which fd the event operates on, and its parameters in Falco's order with
// Falco's names and how each is rendered.
package syscalls

import (
	"sort"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/internal/linuxabi"
)

// What the probe reads for an argument (VG_ARG_*).
const (
	ArgNone        = 0
	ArgStr         = 1
	ArgSockaddr    = 2
	ArgMsghdr      = 3
	ArgArgv        = 4
	ArgIntPair     = 5
	ArgOpenHow     = 6
	ArgSockaddrOut = 7
)

// FDRet in FDSrc: the event's fd is the return value; 1..6 name an argument
// (index + 1); 0 none.
const FDRet = 7

// Render says how a parameter becomes text.
type Render uint8

const (
	RRes        Render = iota + 1 // return value: errno name when negative, else the number
	RFD                           // an fd: "3(<f>/etc/passwd)" when known
	RDirFD                        // a dirfd: AT_FDCWD or an fd
	RPath                         // a path argument, resolved against the cwd (Aux = dirfd argument or -1)
	ROpenFlags                    // open(2) flags as O_* names
	RMode                         // file mode bits as S_* names
	RDec                          // signed decimal
	RUDec                         // unsigned decimal
	RHex                          // 0x-prefixed hex
	RUID                          // user id as a user name
	RGID                          // group id as a group name
	RFlags                        // bit flags by Table
	REnum                         // one value by Table
	RSockaddr                     // sockaddr argument: ip:port or unix path
	RTuple                        // the event fd's socket tuple
	RExecArgs                     // exec: argv[1:] joined by NUL-free spaces
	RExecExe                      // exec: argv[0]
	RFilename                     // exec: the path the program was started by
	RPipeFD0                      // pipe: first returned fd
	RPipeFD1                      // pipe: second returned fd
	RHowFlags                     // openat2: open_how.flags
	RHowMode                      // openat2: open_how.mode
	RHowResolve                   // openat2: open_how.resolve as RESOLVE_* names
	RProcField                    // a value of the calling process after the call (Aux selects)
	RDev                          // the event fd's device number (from the kernel)
	RIno                          // the event fd's inode number (from the kernel)
	RExecFlags                    // exec: EXE_WRITABLE|EXE_UPPER_LAYER|EXE_FROM_MEMFD|EXE_LOWER_LAYER
)

// Process fields for RProcField.
const (
	PFTID = iota
	PFPID
	PFPPID
	PFCwd
	PFComm
	PFUID
	PFGID
	PFVPGID
	PFLoginUID
	PFTTY
	PFPGID
	PFExePath
	PFEnv
)

// Param is one parameter of an exit event.
type Param struct {
	Name  string
	R     Render
	Arg   int8 // argument index, -1 for the return value
	Aux   int8
	Table *Table
	// ArgKey and RawKey are the attribute keys of this parameter
	// (vigil.evt.arg.<name>, vigil.evt.rawarg.<name>), built once.
	ArgKey, RawKey string
}

// Syscall describes one supported syscall.
type Syscall struct {
	// NR is the syscall's number, a linuxabi.Sys* constant; Name is
	// linuxabi's name for it.
	NR     int
	Name   string
	Kinds  [6]uint8
	FDSrc  uint8
	Params []Param
	// State marks syscalls the process and fd tables need whatever the rules
	// ask for.
	State bool
	// IO marks data-path syscalls (read/write/send/recv) that are captured
	// only when named explicitly or by the loaded rules.
	IO bool
	// Open marks the open family (evt.is_open_*, raw flags and mode).
	Open bool
	// RawFlags and RawMode report that a parameter writes the raw open
	// flags (vigil.evt.rawarg.flags) or mode (vigil.evt.rawarg.mode).
	RawFlags, RawMode bool
	// NArgs is how many raw arguments the receiver reads (one past the
	// highest index any parameter, probe read or fd source names); the
	// probe sends only those.
	NArgs uint8
}

var (
	byName map[string]*Syscall
	byNR   map[int]*Syscall
	// ByNR is indexed by syscall number for the hot path.
	ByNR []*Syscall
)

func init() {
	byName = make(map[string]*Syscall, len(table))
	byNR = make(map[int]*Syscall, len(table))
	max := 0
	for i := range table {
		s := &table[i]
		s.Name = linuxabi.SyscallName(s.NR)
		for j := range s.Params {
			pr := &s.Params[j]
			pr.ArgKey = eventattr.EvtArgPrefix + pr.Name
			pr.RawKey = eventattr.EvtRawArgPrefix + pr.Name
			switch pr.R {
			case ROpenFlags, RHowFlags:
				s.RawFlags = s.RawFlags || pr.RawKey == eventattr.OpenFlags
			case RMode, RHowMode:
				s.RawMode = s.RawMode || pr.RawKey == eventattr.OpenMode
			}
		}
		s.NArgs = nargs(s)
		byName[s.Name] = s
		byNR[s.NR] = s
		if s.NR > max {
			max = s.NR
		}
	}
	ByNR = make([]*Syscall, max+1)
	for nr, s := range byNR {
		ByNR[nr] = s
	}
}

func nargs(s *Syscall) uint8 {
	n := 0
	use := func(i int) {
		if i >= 0 && i+1 > n {
			n = i + 1
		}
	}
	for _, p := range s.Params {
		if p.R != RProcField {
			use(int(p.Arg))
		}
		if p.R == RPath {
			use(int(p.Aux)) // the dirfd a relative path is resolved against
		}
	}
	for i, k := range s.Kinds {
		switch k {
		case ArgNone:
		case ArgSockaddr, ArgSockaddrOut:
			use(i + 1) // the length
		default:
			use(i)
		}
	}
	if s.FDSrc >= 1 && s.FDSrc <= 6 {
		use(int(s.FDSrc) - 1)
	}
	return uint8(n)
}

// Lookup finds a syscall by name.
func Lookup(name string) (*Syscall, bool) {
	s, ok := byName[name]
	return s, ok
}

// ByNumber finds a syscall by number.
func ByNumber(nr int) *Syscall {
	if nr < 0 || nr >= len(ByNR) {
		return nil
	}
	return ByNR[nr]
}

// All lists every supported syscall, sorted by name.
func All() []*Syscall {
	out := make([]*Syscall, 0, len(table))
	for i := range table {
		out = append(out, &table[i])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// StateSet names the syscalls the process and fd tables always need.
func StateSet() []string {
	var out []string
	for i := range table {
		if table[i].State {
			out = append(out, table[i].Name)
		}
	}
	sort.Strings(out)
	return out
}
