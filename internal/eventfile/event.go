package eventfile

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/internal/eventrecord"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Event is one event of a file.
type Event struct {
	// File and Index (1-based, counting events only) name the event, as
	// FILE:N on the command line; Line is its line in the file (the JSON
	// line, or the start of the YAML mapping).
	File        string
	Index, Line int
	// Inline is set for an event written inside a tests file, which has
	// no FILE:N of its own.
	Inline bool
	// Source is the event source (eventattr.SourceSyscall, ...): the
	// record's EventName says it, a YAML event may name it with evt.source,
	// and it defaults to syscall.
	Source string

	record plog.LogRecord
	res    plog.ResourceLogs
}

// Name is FILE:N.
func (e *Event) Name() string { return fmt.Sprintf("%s:%d", e.File, e.Index) }

// Fields returns a view of the event for the rules. Each call returns a new
// view, so views of different events can be held at once.
func (e *Event) Fields() fields.Event {
	v := eventrecord.New()
	v.SetResource(e.res.Resource().Attributes())
	v.Reset(e.record)
	return v
}

// Record is the event's log record, and ResourceLogs the resource it belongs to.
func (e *Event) Record() plog.LogRecord          { return e.record }
func (e *Event) ResourceLogs() plog.ResourceLogs { return e.res }

// ReadFile reads the events of one file: OTLP JSON when its first
// non-blank byte is '{', the YAML form otherwise.
func ReadFile(path string) ([]*Event, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(strings.TrimLeft(string(b), " \t\r\n"), "{") {
		return readOTLP(path, b)
	}
	return readYAML(path, b)
}

// Select parses the FILE[:N] syntax of explain --event: a trailing :N picks
// the N-th event (1-based); without it the file must hold exactly one event.
func Select(arg string) (*Event, error) {
	path, n, hasN := arg, 0, false
	if i := strings.LastIndexByte(arg, ':'); i > 0 {
		if k, err := strconv.Atoi(arg[i+1:]); err == nil {
			path, n, hasN = arg[:i], k, true
		}
	}
	evs, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch {
	case !hasN && len(evs) == 1:
		return evs[0], nil
	case !hasN:
		return nil, fmt.Errorf("%s holds %d events: pick one with %s:N", path, len(evs), path)
	case n < 1 || n > len(evs):
		return nil, fmt.Errorf("%s: no event %d (the file holds %d)", path, n, len(evs))
	}
	return evs[n-1], nil
}

// sourceOfName is the source of a record by its EventName: records without
// one are read as syscall events; records of other kinds (alerts, logs of
// other receivers) are not events.
func sourceOfName(name string) string {
	if name == "" {
		return eventattr.SourceSyscall
	}
	return eventattr.SourceOf(name)
}
