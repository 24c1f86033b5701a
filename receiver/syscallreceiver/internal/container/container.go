// Package container recognises container runtimes' cgroup paths and pulls out
// the full container id, the runtime and the Kubernetes pod uid.
package container

import "strings"

// Info is what a cgroup path says about a container.
type Info struct {
	ID      string // 64 hex characters
	Runtime string // docker, containerd, cri-o, podman; "" when the path does not say
	PodUID  string // Kubernetes pod uid, when the path carries it
}

// scope prefixes of systemd-managed containers ("<prefix><id>.scope") and the
// runtime each implies. conmon scopes (cri-o's and podman's monitors) are not
// containers and do not match: their prefixes are longer and checked first.
var scopes = []struct{ prefix, runtime string }{
	{"crio-conmon-", ""},
	{"libpod-conmon-", ""},
	{"docker-", "docker"},
	{"cri-containerd-", "containerd"},
	{"crio-", "cri-o"},
	{"libpod-", "podman"},
	{"nerdctl-", "containerd"},
}

// FromCgroup parses one cgroup path ("/kubepods.slice/.../cri-containerd-<id>.scope",
// "/docker/<id>", "/kubepods/besteffort/pod<uid>/<id>", ...). ok is false for
// paths that name no container, including ids that are not 64 hex digits
// (systemd and other tools use 32-hex names that are not containers).
func FromCgroup(path string) (Info, bool) {
	var info Info
	// walk components from the leaf up: the innermost container wins
	rest := path
	for len(rest) > 0 {
		i := strings.LastIndexByte(rest, '/')
		comp := rest[i+1:]
		if i < 0 {
			rest = ""
		} else {
			rest = rest[:i]
		}
		if comp == "" {
			continue
		}
		if id, rt, ok := parseComponent(comp, rest); ok {
			info.ID, info.Runtime = id, rt
			info.PodUID = podUID(path)
			return info, true
		}
	}
	return info, false
}

func parseComponent(comp, parent string) (id, runtime string, ok bool) {
	if strings.HasSuffix(comp, ".scope") {
		base := strings.TrimSuffix(comp, ".scope")
		for _, s := range scopes {
			if strings.HasPrefix(base, s.prefix) {
				id := base[len(s.prefix):]
				if s.runtime == "" || !isHex64(id) {
					return "", "", false
				}
				return id, s.runtime, true
			}
		}
		return "", "", false
	}
	if !isHex64(comp) {
		return "", "", false
	}
	// cgroupfs driver layouts: the parent directory names the runtime
	switch {
	case strings.HasSuffix(parent, "/docker") || parent == "docker":
		return comp, "docker", true
	case strings.HasSuffix(parent, "/crio") || parent == "crio":
		return comp, "cri-o", true
	case strings.Contains(parent, "libpod_parent"):
		return comp, "podman", true
	case strings.Contains(parent, "kubepods"):
		// kubelet with the cgroupfs driver: the runtime is not in the path
		return comp, "", true
	case strings.Contains(parent, "containerd") || strings.HasSuffix(parent, "/default") || strings.HasSuffix(parent, "/k8s.io"):
		return comp, "containerd", true
	}
	return comp, "", true
}

// podUID finds "pod<uid>" in a kubepods path; systemd slices spell the uid's
// dashes as underscores ("kubepods-besteffort-pod12_34.slice").
func podUID(path string) string {
	if !strings.Contains(path, "kubepods") {
		return ""
	}
	for _, comp := range strings.Split(path, "/") {
		c := strings.TrimSuffix(comp, ".slice")
		i := strings.LastIndex(c, "pod")
		if i < 0 {
			continue
		}
		if i > 0 && c[i-1] != '-' {
			continue
		}
		uid := strings.ReplaceAll(c[i+3:], "_", "-")
		if isUUID(uid) {
			return uid
		}
	}
	return ""
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}
