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
	// PathOn admits a call whose path argument PathArg the probe judges
	// (absolute, no "//", "/.", ".." or trailing "/", shorter than
	// MaxPathKey) only when it starts with one of Prefixes or ends with
	// one of Suffixes. An exact path is the prefix path+"\x00".
	PathOn   bool
	PathArg  uint8
	Prefixes []string
	Suffixes []string
}

// MaxPathKey bounds the bytes of a prefix or suffix (bpf/event.h
// VG_PATH_KEY, less the NUL the probe reads).
const MaxPathKey = 123
