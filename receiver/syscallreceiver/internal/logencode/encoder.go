// Package logencode encodes the probe's syscall records as OTLP log
// records that follow the eventattr attribute contract: one ResourceLogs per
// process state, one record per captured syscall, with its parameters and
// the fd it operates on. The process and fd tables it reads are procstate's.
package logencode

import (
	"net/netip"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
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
	// the batch's first resource's container, and whether another container
	// has a resource too (then Take groups them)
	firstCID string
	mixed    bool
	pending  int
	buf      []byte
	args     []string
	anc      []*proctable.Process

	// attribute count of each syscall's records (by number), to size
	// their attribute arrays
	attrCap [512]uint8

	// rendered strings shared between events (intern.go)
	numText numTexts
	fdTexts fdTexts
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
	b.firstCID, b.mixed = "", false
	b.pending = 0
}

// Pending is the number of records in the current batch.
func (b *Encoder) Pending() int { return b.pending }

// Take hands over the current batch and starts a new one. Its
// ResourceLogs are grouped by container: one container's process states
// are adjacent (the host's first), in the order they appeared.
func (b *Encoder) Take() plog.Logs {
	l := b.logs
	if b.mixed {
		cid := func(rl plog.ResourceLogs) string {
			v, _ := rl.Resource().Attributes().Get(eventattr.ContainerID)
			return v.Str()
		}
		l.ResourceLogs().Sort(func(x, y plog.ResourceLogs) bool { return cid(x) < cid(y) })
	}
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
