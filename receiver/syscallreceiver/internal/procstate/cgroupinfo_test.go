package procstate

import (
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/container"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// The cgroup cache names the container that parsing the path names, for
// container and host paths, on a miss and on a hit.
func TestCgroupInfosMatchParsing(t *testing.T) {
	id := strings.Repeat("0123456789abcdef", 4)
	paths := [][]byte{
		[]byte("docker-" + id + ".scope\x00system.slice\x00"),
		[]byte(id + "\x00docker\x00"),
		[]byte("session-1.scope\x00user.slice\x00"),
		nil,
	}
	var c cgroupInfos
	for round := 0; round < 2; round++ {
		for _, p := range paths {
			wantInfo, wantOK := container.FromCgroup(string(event.AppendPath(nil, p)))
			info, ok := c.lookup(p)
			if info != wantInfo || ok != wantOK {
				t.Fatalf("round %d: lookup(%q) = %+v %v, want %+v %v", round, p, info, ok, wantInfo, wantOK)
			}
		}
	}
	if info, ok := c.lookup(paths[0]); !ok || info.ID != id || info.Runtime != "docker" {
		t.Fatalf("docker scope: %+v %v", info, ok)
	}
}
