// Package logencode encodes the probe's syscall records as OTLP log
// records that follow the eventattr attribute contract: one ResourceLogs per
// process state, one record per captured syscall, with its parameters and
// the fd it operates on. The process and fd tables it reads are procstate's.
package logencode

import (
	"net/netip"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/procstate"
	"github.com/vigil-sec/vigil/receiver/syscallreceiver/internal/proctable"
)

// ScopeName names the instrumentation scope of the records.
const ScopeName = "github.com/vigil-sec/vigil/receiver/syscallreceiver"

// Encoder drives the state machine it embeds with each raw record and
// encodes the syscalls selected by Emit into the batch being built. Not
// safe for concurrent use.
type Encoder struct {
	*procstate.Machine
	Host string
	// Emit selects the syscalls (by number) that become records; the rest
	// only update the tables.
	Emit []bool
	// HostName names an address after a host name the rules mention
	// (fd.sip.name, fd.cip.name); nil: none.
	HostName func(netip.Addr) (string, bool)

	// Emitted counts records, read by the receiver's telemetry.
	Emitted uint64

	evtNum int64
	logs   plog.Logs
	// the batch's resources by process context version (see resource.go)
	byVer   map[uint64]plog.LogRecordSlice
	lastVer uint64
	last    plog.LogRecordSlice
	// the batch's first resource's container; the resources of other
	// containers wait in groups until Take (group.go)
	firstCID string
	others   []group
	pending  int
	buf      []byte
	args     []string
	anc      []*proctable.Process

	// attributes of each syscall's parameters plus one, by number (0: not
	// worked out yet; attrcap.go)
	paramAttrs [512]uint8
	// records that needed more attributes than attrCapacity said (a test
	// keeps it at zero)
	capShort int

	// rendered strings shared between events (intern.go)
	numText   numTexts
	fdTexts   fdTexts
	addrs     addrTexts
	endpoints endpointsTexts
	sockaddrs addrPortTexts
	// the exec record's args and env parameters (joined.go)
	argsText, envText joined
	// the exec record's environment keys (envkeys.go)
	envKeys envKeys

	// the socket tuple of the record being encoded, once worked out (fd.go)
	tup     sockTuple
	tupDone bool
}

// New makes an encoder over state.
func New(state *procstate.Machine, host string) *Encoder {
	b := &Encoder{Machine: state, Host: host}
	b.reset()
	return b
}

func (b *Encoder) reset() {
	b.logs = plog.NewLogs()
	if b.byVer == nil {
		b.byVer = make(map[uint64]plog.LogRecordSlice, 16)
	}
	clear(b.byVer)
	b.lastVer = 0
	b.firstCID = ""
	clear(b.others)
	b.others = b.others[:0]
	b.pending = 0
}

// Pending is the number of records in the current batch.
func (b *Encoder) Pending() int { return b.pending }

// Take hands over the current batch and starts a new one. Its
// ResourceLogs are grouped by container: one container's process states
// are adjacent (the host's first), in the order they appeared.
func (b *Encoder) Take() plog.Logs {
	l := b.joinGroups()
	b.reset()
	return l
}

// Handle applies one raw record; observed is when it was read.
func (b *Encoder) Handle(raw []byte, observed pcommon.Timestamp) error {
	r, sc, p, err := b.Next(raw)
	if err != nil || sc == nil {
		return err
	}
	emit := int(r.Kind) < len(b.Emit) && b.Emit[r.Kind]
	// a close is recorded before the fd is forgotten, so it still names
	// it, and a credential change before the change (Falco evaluates it
	// at the call's entry); everything else after its effect, as Falco
	// evaluates rules on the state the event leaves
	closing := procstate.Closing(sc) || procstate.ChangesCreds(sc)
	if emit && closing {
		b.record(sc, p, r, observed)
	}
	b.Track(sc, p, r)
	if emit && !closing {
		b.record(sc, p, r, observed)
	}
	return nil
}
