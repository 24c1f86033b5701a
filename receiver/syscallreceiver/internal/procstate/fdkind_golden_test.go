package procstate

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/event"
)

// Golden values: Falco's fd.type by socket family; a packet socket has
// none (<NA>).
func TestSocketFDTypeAsFalco(t *testing.T) {
	for fam, want := range map[uint16]string{
		unix.AF_INET: "ipv4", unix.AF_INET6: "ipv6", unix.AF_UNIX: "unix", unix.AF_NETLINK: "netlink",
		unix.AF_PACKET: "", unix.AF_VSOCK: "",
	} {
		k := &event.FD{Mode: unix.S_IFSOCK, Family: fam}
		if got := FDType(k, ""); got != want {
			t.Errorf("family %d: fd.type %q, want %q", fam, got, want)
		}
	}
}
