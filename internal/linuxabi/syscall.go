package linuxabi

import "slices"

// SyscallName is the name of x86-64 syscall nr, or "" for a number no
// syscall has.
func SyscallName(nr int) string {
	if nr < 0 || nr >= len(syscallNames) {
		return ""
	}
	return syscallNames[nr]
}

// SyscallNumber is the x86-64 number of the named syscall.
func SyscallNumber(name string) (int, bool) {
	nr, ok := byName[name]
	return nr, ok
}

// SyscallNames lists every x86-64 syscall name, sorted.
func SyscallNames() []string { return slices.Clone(sortedNames) }

var byName, sortedNames = func() (map[string]int, []string) {
	m := make(map[string]int, len(syscallNames))
	var names []string
	for nr, name := range syscallNames {
		if name != "" {
			m[name] = nr
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return m, names
}()
