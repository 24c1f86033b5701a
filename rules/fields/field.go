package fields

// Extract says how a field's value is derived from the attributes in Keys.
// Most fields read one attribute; the rest are cheap, allocation-free
// derivations that keep the event records free of redundant attributes.
type Extract uint8

const (
	// Direct reads Keys[0], or the first present of Keys.
	Direct Extract = iota
	// Prefixed reads the attribute Keys[0].Name + argument (proc.env[HOME],
	// k8s.pod.label.app). Without an argument the field's value is every
	// attribute under the prefix (Event.Range).
	Prefixed
	// EvtArg is evt.arg: by name it reads Keys[0].Name + name; by index N it
	// reads the N-th attribute under the prefix, in record order, which the
	// receiver writes in the syscall's parameter order.
	EvtArg
	// EvtArgs renders every evt.arg as "name=value name=value".
	EvtArgs
	// Ancestor: Keys[0] is the process's own value and Keys[1] the ancestor
	// slice (parent first). [0] is the process, [N] is element N-1. Without
	// an index a filter matches when any ancestor matches (the process itself
	// excluded), and output prints all ancestors.
	Ancestor
	// Parent reads element 0 of the ancestor slice Keys[0].
	Parent
	// ProcArgs: Keys[0] is process.command_line (comm + " " + args) and
	// Keys[1] the comm, so the args are a substring; [N] reads element N+1 of
	// the argv slice Keys[2].
	ProcArgs
	// ArgCount is the number of arguments (len(argv)-1) of the slice Keys[0].
	ArgCount
	// Directory and Filename split the file path Keys[0].
	Directory
	Filename
	// TypeChar and SockFamily are computed from the fd type Keys[0].
	TypeChar
	SockFamily
	// Either is true for a comparison if it holds for any of Keys
	// (fd.ip, fd.port, fd.net: client or server side).
	Either
	// ErrnoName renders the return value Keys[0] as SUCCESS or an errno name.
	ErrnoName
	// Failed is Keys[0] < 0.
	Failed
	// IsOpenRead, IsOpenWrite, IsOpenExec and IsOpenCreate are computed from
	// the raw open flags (Keys[0]), mode (Keys[1]) and created flag (Keys[2]);
	// false for event types other than the open family.
	IsOpenRead
	IsOpenWrite
	IsOpenExec
	IsOpenCreate
	// SameInt is Keys[0] == Keys[1] (proc.is_vpgid_leader).
	SameInt
	// SinceStart is the event time minus the timestamp Keys[0].
	SinceStart
	// Time is the event timestamp itself.
	Time
	// Constant is the fixed text in Const (evt.dir, evt.source).
	Constant
	// ContainerID is the first 12 characters of the container id Keys[0];
	// "host" when the event has none.
	ContainerID
	// ContainerFullID is the container id; "host" when the event has none.
	ContainerFullID
	// HostDefault reads the first present of Keys[1:], but "host" when the
	// container id Keys[0] is absent (container.name).
	HostDefault
	// ImageRef joins repository Keys[0] and tag Keys[1] as "repo:tag".
	ImageRef
	// MountDest is container.mount.dest[PATTERN]: the destination among
	// Keys[0]'s elements that matches the glob PATTERN.
	MountDest
)

// Field describes one Falco field.
type Field struct {
	Name string
	Type Type
	// List is true for fields with several values at once; "in" on them is a
	// subset test and "intersects" a non-empty intersection.
	List bool
	Arg  ArgKind
	// ArgRequired is true when the field is meaningless without an argument
	// (evt.arg, proc.env[X] in a filter is optional).
	ArgRequired bool
	Keys        []Key
	Extract     Extract
	Const       string
	// NoRHS fields cannot appear inside val(). FilterOnly fields cannot be
	// printed in outputs. NoTransformer fields cannot be wrapped by a
	// transformer.
	NoRHS, FilterOnly, NoTransformer bool
	Desc                             string
}
