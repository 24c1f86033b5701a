package syscallreceiver

import (
	"slices"

	"github.com/vigil-sec/vigil/internal/captureplan"
	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/probe"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/syscalls"
)

// kernelFilters turns the plan's filters into the probe's, for the
// syscalls that become records (emit). What the process and fd tables
// need stays exact:
//
//   - close is never filtered (the fd table and the deferred-close bitmap
//     follow every close), nor is any syscall the receiver captures only
//     for its tables;
//   - the other syscalls of the state set are filtered by their outcome
//     only, and only to drop failures: a failed call changes no state
//     (procstate.Track ignores it);
//   - while the rules read fd.name_changed (plan.SocketNames), no syscall
//     whose record may name a socket (one with an fd) is filtered: that
//     field compares a socket's name with the previous record's;
//   - the open family takes every filter: an open kept off the ring
//     leaves no fd-table entry, and a later record on that fd names it
//     from /proc/PID/fd, as for fds opened before the receiver started
//     (README: Kernel filters);
//   - process names and the host-or-container place filter every syscall
//     that becomes a record but the state set's (whose records the tables
//     need whoever made them).
//
// With kernel_filters off, explicit syscalls or no publisher, nothing is
// filtered.
func (r *syscallReceiver) kernelFilters(plan captureplan.Merged, emit []bool) [probe.MaxSyscalls]*probe.Filter {
	var out [probe.MaxSyscalls]*probe.Filter
	if !r.cfg.KernelFilters || !r.cfg.Syscalls.Auto || !plan.Published {
		return out
	}
	for name, f := range plan.Filters {
		s, ok := syscalls.Lookup(name)
		if !ok || s.NR >= probe.MaxSyscalls || !emit[s.NR] || s.NR == linuxabi.SysClose || s.NR == linuxabi.SysCloseRange {
			continue
		}
		if plan.SocketNames && s.FDSrc != 0 && !s.Open {
			continue
		}
		pf := &probe.Filter{}
		if f.Outcome != 3 {
			pf.OutcomeOn, pf.Outcome = true, f.Outcome
		}
		if f.Proto&3 != 3 && s.FDSrc >= 1 && s.FDSrc <= 6 {
			pf.ProtoOn, pf.Proto = true, f.Proto&3
		}
		if w := f.Places(); w != 3 {
			pf.WhereOn, pf.Where = true, w
		}
		if arg, ok := pathArg(s); ok {
			openFilter(pf, s, arg, f)
		} else {
			nameFilter(pf, f)
		}
		if s.State && !s.Open {
			if !pf.OutcomeOn || pf.Outcome&1 == 0 {
				continue
			}
			pf = &probe.Filter{OutcomeOn: true, Outcome: pf.Outcome}
		}
		if pf.OutcomeOn || pf.ProtoOn || pf.AccessOn || pf.PathOn() || pf.WhereOn {
			out[s.NR] = pf
		}
	}
	return out
}

// openFilter sets the access-mode and path filters of an open-family
// call whose path is argument arg. The probe reads the access mode from
// the call's flags; a call without flags (creat) is judged as mode 0, by
// the union of every mode's paths and no access filter.
func openFilter(pf *probe.Filter, s *syscalls.Syscall, arg uint8, f captureplan.Filter) {
	pf.PathArg = arg
	paths := f.Path
	if fa, ok := flagsArg(s); ok {
		pf.FlagsArg = fa
		if f.Access&15 != 15 {
			pf.AccessOn, pf.Access = true, f.Access&15
		}
	} else {
		one := captureplan.Paths{}
		for _, p := range paths {
			one.Any = one.Any || p.Any
			one.Prefixes = append(one.Prefixes, p.Prefixes...)
			one.Suffixes = append(one.Suffixes, p.Suffixes...)
			one.Names = append(one.Names, p.Names...)
		}
		// the probe judges such a call as mode 0 only
		one.Prefixes, one.Suffixes, one.Names = compact(one.Prefixes), compact(one.Suffixes), compact(one.Names)
		paths = [captureplan.Modes]captureplan.Paths{one, {Any: true}, {Any: true}, {Any: true}}
	}
	for m, p := range paths {
		if m >= probe.Modes || p.Any || !fits(p.Prefixes) || !fits(p.Suffixes) || !namesFit(p.Names) {
			continue
		}
		if pf.AccessOn && pf.Access&(1<<m) == 0 {
			continue // the access filter drops the mode already
		}
		pf.Paths[m] = probe.ModePaths{On: true, Prefixes: p.Prefixes, Suffixes: p.Suffixes, Names: p.Names}
	}
}

// nameFilter sets the process-name filter of a syscall without a path:
// its events have no access mode, so the probe judges them as mode 0,
// and only the names of the selector can admit them (its path patterns,
// which the rules only derive for opens, would admit none).
func nameFilter(pf *probe.Filter, f captureplan.Filter) {
	p := f.Path[0]
	if p.Any || len(p.Prefixes) > 0 || len(p.Suffixes) > 0 || !namesFit(p.Names) {
		return
	}
	pf.NoPath = true
	pf.Paths[0] = probe.ModePaths{On: true, Names: p.Names}
}

func compact(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func namesFit(names []string) bool {
	for _, n := range names {
		if len(n) > probe.MaxName {
			return false
		}
	}
	return true
}

// flagsArg is where the probe finds an open's flags (probe.Filter's
// FlagsArg): the argument of its flags parameter.
func flagsArg(s *syscalls.Syscall) (uint8, bool) {
	for _, p := range s.Params {
		switch p.R {
		case syscalls.ROpenFlags:
			return uint8(p.Arg) + 1, true
		case syscalls.RHowFlags:
			return uint8(p.Arg) + 1 | probe.FlagsHow, true
		}
	}
	return 0, false
}

// pathArg is the argument an open-family call's fd.name comes from: its
// first user string.
func pathArg(s *syscalls.Syscall) (uint8, bool) {
	if !s.Open {
		return 0, false
	}
	for i, k := range s.Kinds {
		if k == syscalls.ArgStr {
			return uint8(i), true
		}
	}
	return 0, false
}

func fits(pats []string) bool {
	for _, p := range pats {
		if p == "" || len(p) > probe.MaxPathKey {
			return false
		}
	}
	return true
}

// filteredNames names the syscalls that have a kernel filter.
func filteredNames(filters [probe.MaxSyscalls]*probe.Filter) []string {
	var sel [probe.MaxSyscalls]bool
	for nr, f := range filters {
		sel[nr] = f != nil
	}
	return names(sel[:])
}
