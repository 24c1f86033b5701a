package syscallreceiver

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sync/atomic"
	"time"
)

// hostRefresh is how often the names the rules mention are resolved again
// (addresses behind a name change: a service's IP, a round-robin set).
const hostRefresh = 30 * time.Second

// hostResolver resolves the host names the rules processors publish
// (internal/dnsnames) and names event addresses after them: fd.sip.name and
// fd.cip.name, as Falco fills them. The reader looks names up without a
// lock; the table is replaced whole after each round.
type hostResolver struct {
	names atomic.Pointer[[]string]
	table atomic.Pointer[map[netip.Addr]string]
	kick  chan struct{}
	// lookup is net.DefaultResolver.LookupNetIP (the system's resolver:
	// /etc/hosts, then DNS)
	lookup func(ctx context.Context, network, host string) ([]netip.Addr, error)
}

func newHostResolver() *hostResolver {
	return &hostResolver{kick: make(chan struct{}, 1), lookup: net.DefaultResolver.LookupNetIP}
}

// set replaces the names to resolve and has them resolved now.
func (h *hostResolver) set(names []string) {
	n := slices.Clone(names)
	h.names.Store(&n)
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Name is the host name an address resolved to, the first in name order
// when several did.
func (h *hostResolver) Name(a netip.Addr) (string, bool) {
	t := h.table.Load()
	if t == nil {
		return "", false
	}
	n, ok := (*t)[a.Unmap()]
	return n, ok
}

// run resolves the names whenever they change and every hostRefresh,
// until ctx ends. A name that does not resolve keeps no addresses.
func (h *hostResolver) run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.kick:
		case <-timer.C:
		}
		h.resolve(ctx)
		timer.Reset(hostRefresh)
	}
}

func (h *hostResolver) resolve(ctx context.Context) {
	np := h.names.Load()
	if np == nil {
		return
	}
	t := map[netip.Addr]string{}
	for _, name := range *np {
		lctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		addrs, err := h.lookup(lctx, "ip", name)
		cancel()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if _, taken := t[a.Unmap()]; !taken {
				t[a.Unmap()] = name
			}
		}
	}
	h.table.Store(&t)
}
