package container

import "testing"

const id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestFromCgroup(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Info
		ok   bool
	}{
		{"/docker/" + id, Info{ID: id, Runtime: "docker"}, true},
		{"/system.slice/docker-" + id + ".scope", Info{ID: id, Runtime: "docker"}, true},
		{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1c5a8c3e_6f1f_4d2a_9b7e_0a1b2c3d4e5f.slice/cri-containerd-" + id + ".scope",
			Info{ID: id, Runtime: "containerd", PodUID: "1c5a8c3e-6f1f-4d2a-9b7e-0a1b2c3d4e5f"}, true},
		{"/kubepods/besteffort/pod1c5a8c3e-6f1f-4d2a-9b7e-0a1b2c3d4e5f/" + id,
			Info{ID: id, PodUID: "1c5a8c3e-6f1f-4d2a-9b7e-0a1b2c3d4e5f"}, true},
		{"/kubepods.slice/kubepods-pod1c5a8c3e_6f1f_4d2a_9b7e_0a1b2c3d4e5f.slice/crio-" + id + ".scope",
			Info{ID: id, Runtime: "cri-o", PodUID: "1c5a8c3e-6f1f-4d2a-9b7e-0a1b2c3d4e5f"}, true},
		{"/kubepods.slice/kubepods-pod1c5a8c3e_6f1f_4d2a_9b7e_0a1b2c3d4e5f.slice/crio-conmon-" + id + ".scope", Info{}, false},
		{"/machine.slice/libpod-" + id + ".scope/container", Info{ID: id, Runtime: "podman"}, true},
		{"/machine.slice/libpod-conmon-" + id + ".scope", Info{}, false},
		{"/crio/" + id, Info{ID: id, Runtime: "cri-o"}, true},
		{"/default/" + id, Info{ID: id, Runtime: "containerd"}, true},
		{"/test/cri-containerd-" + id + ".scope", Info{ID: id, Runtime: "containerd"}, true},
		// the development machines' memory hierarchy: 32-hex ids that are not containers
		{"/process_api/4fdaaa984dad4332c2126e11cc01a24d", Info{}, false},
		{"/user.slice/user-0.slice/session-1.scope", Info{}, false},
		{"/", Info{}, false},
		{"", Info{}, false},
		{"/docker/" + id[:63] + "g", Info{}, false},
	} {
		got, ok := FromCgroup(tc.path)
		if ok != tc.ok || got != tc.want {
			t.Errorf("FromCgroup(%q) = %+v, %v; want %+v, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}
