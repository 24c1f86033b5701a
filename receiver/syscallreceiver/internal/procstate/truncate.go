package procstate

import "github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"

// TruncatedPathPrefix begins a path the probe cut short of the root (more
// than 48 components or about 3.8 KiB): the leaf end follows. A path that
// does not start with "/" never passes a prefix test written for absolute
// paths (proc.cwd startswith /dev/shm), so a deep directory cannot pass
// for a shallow one.
const TruncatedPathPrefix = "..."

// TruncatedArg ends an argument list the probe cut: a failed exec's
// arguments beyond 32 (or past 4 KiB), or an exec'd command line past
// 4095 bytes.
const TruncatedArg = "...(truncated)"

// appendSectionPath renders a path section, marked when it was cut.
func appendSectionPath(dst []byte, s event.Section) []byte {
	if !s.Truncated {
		return event.AppendPath(dst, s.Data)
	}
	dst = append(dst, TruncatedPathPrefix...)
	return event.AppendPath(dst, s.Data)
}

// SectionArgs splits an argument section, marked when it was cut.
func SectionArgs(s event.Section, out []string) []string {
	out = SplitNUL(s.Data, out)
	if s.Truncated {
		out = append(out, TruncatedArg)
	}
	return out
}

// countTruncated counts the cut sections of record r.
func (m *Machine) countTruncated(r *event.Record) {
	for _, s := range r.Sections {
		if !s.Truncated {
			continue
		}
		switch s.Type {
		case event.SecExe:
			m.TruncatedExe++
		case event.SecCwd:
			m.TruncatedCwd++
		case event.SecArgv:
			m.TruncatedArgs++
		}
	}
}
