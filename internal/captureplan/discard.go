package captureplan

import "slices"

// Discards is a publisher's discard oracle (issue 13's learned
// discarders): it reports whether no rule of the publisher can match a
// successful open-family event of syscall sc on a regular file whose
// fd.name is path, opened in access mode (flags & O_ACCMODE; 0 for
// creat), whatever the fields the kernel does not know. It must be safe for
// concurrent use and must not change after publication (a reload
// publishes a new one).
type Discards func(sc, path string, mode uint8) bool

// mergeDiscards is the oracle of every publisher together: an event is
// discardable only when every publisher that captures its syscall says
// so. A publisher without an oracle disables discarding for everyone; no
// publisher at all gives no oracle.
func mergeDiscards(plans map[string]Plan) Discards {
	if len(plans) == 0 {
		return nil
	}
	type one struct {
		syscalls []string
		d        Discards
	}
	all := make([]one, 0, len(plans))
	for _, p := range plans {
		if p.Discards == nil {
			return nil
		}
		all = append(all, one{slices.Clone(p.Syscalls), p.Discards})
	}
	if len(all) == 1 {
		return all[0].d
	}
	return func(sc, path string, mode uint8) bool {
		asked := false
		for _, o := range all {
			if !slices.Contains(o.syscalls, sc) {
				continue // no rule of it can match sc
			}
			asked = true
			if !o.d(sc, path, mode) {
				return false
			}
		}
		return asked
	}
}
