package probe

// Filter is a kernel-side filter of one captured syscall (bpf/event.h
// VG_FILT_*): a call that fails it is counted (Filtered) and not written
// to the ring.
type Filter struct {
	// OutcomeOn admits only results in Outcome (1: return value >= 0,
	// 2: < 0; 0 admits none).
	OutcomeOn bool
	Outcome   uint8
	// ProtoOn admits a call whose fd argument is a TCP (bit 1) or UDP (bit 2)
	// socket only when Proto has that bit; other fds always pass.
	ProtoOn bool
	Proto   uint8
	// FlagsArg says where an open's flags are (bpf/event.h VG_FLAGS_*:
	// 0 nowhere, else argument index+1, with FlagsHow a pointer to a
	// struct open_how); their access mode (flags & O_ACCMODE, 0 without
	// flags) selects AccessOn's bit and the path set. A call whose flags
	// cannot be read passes both.
	FlagsArg uint8
	// AccessOn admits an open only when Access has bit 1<<mode.
	AccessOn bool
	Access   uint8
	// Paths[mode].On admits a call of that access mode whose path argument
	// PathArg the probe judges (absolute, no "//", "/.", ".." or trailing
	// "/", shorter than MaxPathKey) only when it starts with one of
	// Prefixes or ends with one of Suffixes. An exact path is the prefix
	// path+"\x00".
	PathArg uint8
	Paths   [Modes]ModePaths
	// NoPath: the syscall has no path argument; Paths[mode].On then
	// admits a call only by its process name.
	NoPath bool
	// WhereOn admits a call only when the place of its process (bit 1
	// host, bit 2 container; SetPlace) is in Where. A process whose
	// cgroup was not judged passes.
	WhereOn bool
	Where   uint8
}

// ModePaths is the selector of one access mode: with On, a call passes
// when its process name (the exec-time comm the probe keeps; a process it
// does not know passes) is one of Names, or its path passes Prefixes and
// Suffixes as Filter.Paths says.
type ModePaths struct {
	On       bool
	Prefixes []string
	Suffixes []string
	Names    []string
}

// MaxName is the longest process name (the kernel's TASK_COMM_LEN less
// its NUL).
const MaxName = 15

// Modes is the number of access modes (flags & O_ACCMODE).
const Modes = 4

// FlagsHow marks a FlagsArg that points to a struct open_how.
const FlagsHow = 0x80

// PathOn reports whether some access mode's path is filtered.
func (f *Filter) PathOn() bool {
	for _, m := range f.Paths {
		if m.On {
			return true
		}
	}
	return false
}

// MaxPathKey bounds the bytes of a prefix or suffix (bpf/event.h
// VG_PATH_KEY, less the NUL the probe reads).
const MaxPathKey = 123
