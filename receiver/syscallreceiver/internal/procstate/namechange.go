package procstate

import "github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"

// NoteSocketName records the name (tuple) a socket event gives fd and
// reports whether it differs from the fd's previous one: Falco's
// fd.name_changed, true when an unconnected UDP socket's sendto or sendmsg
// goes to another destination than the last (the UDP half of the outbound
// macro) or a socket gets its first tuple. The entry is replaced rather
// than changed in place, since a forked child shares it.
func NoteSocketName(p *proctable.Process, fd int32, f *proctable.FD, name string) bool {
	if name == "" {
		return false
	}
	if f == nil {
		p.FDs[fd] = &proctable.FD{Type: "socket", Name: name}
		return true
	}
	if f.Name == name {
		return false
	}
	cp := *f
	cp.Name = name
	p.FDs[fd] = &cp
	return true
}
