package runtimes

import (
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// fromSpec reads what the OCI runtime spec says about privileges, host
// namespaces and mounts. containerd and CRI-O keep the spec itself; Docker
// and Podman answer these from their own config instead.
func (c *Container) fromSpec(s *specs.Spec) {
	if s == nil {
		return
	}
	if s.Linux != nil {
		// a namespace missing from the spec, or joined at PID 1's, is the
		// host's; one joined elsewhere is a pod sandbox's
		c.HostPID, c.HostNetwork, c.HostIPC = true, true, true
		for _, ns := range s.Linux.Namespaces {
			host := strings.HasPrefix(ns.Path, "/proc/1/ns/")
			switch ns.Type {
			case specs.PIDNamespace:
				c.HostPID = host
			case specs.NetworkNamespace:
				c.HostNetwork = host
			case specs.IPCNamespace:
				c.HostIPC = host
			}
		}
	}
	c.Privileged = privileged(s)
	for _, m := range s.Mounts {
		c.Mounts = append(c.Mounts, mountOf(m))
	}
}

// privileged tells a privileged container from its spec: the spec keeps no
// flag, but every runtime's privileged mode (docker run --privileged, CRI
// privileged: true, ctr run --privileged) grants CAP_SYS_ADMIN and drops the
// masked and read-only /proc paths, which no unprivileged default does.
func privileged(s *specs.Spec) bool {
	if s.Process == nil || s.Process.Capabilities == nil || s.Linux == nil {
		return false
	}
	return slices.Contains(s.Process.Capabilities.Bounding, "CAP_SYS_ADMIN") &&
		len(s.Linux.MaskedPaths) == 0 && len(s.Linux.ReadonlyPaths) == 0
}

func mountOf(m specs.Mount) Mount {
	out := Mount{Source: m.Source, Dest: m.Destination, RW: true, Mode: strings.Join(m.Options, ",")}
	for _, o := range m.Options {
		switch o {
		case "ro":
			out.RW = false
		case "rw":
			out.RW = true
		case "private", "rprivate", "shared", "rshared", "slave", "rslave":
			out.Propagation = o
		}
	}
	return out
}
