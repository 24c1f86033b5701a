package fields

// Extract says how a field's value is derived from the attributes in Keys.
// Most fields read one attribute; the rest are cheap, allocation-free
// derivations that keep the event records free of redundant attributes.
// Accessor (accessor.go) implements every kind; argument handling (index
// parsing, prefixed key names) is resolved once when the accessor is built.
type Extract uint8

const (
	// Direct reads Keys[0], or the first present of Keys.
	Direct Extract = iota
	// Prefixed reads the attribute Keys[0].Name + argument (proc.env[HOME],
	// k8s.pod.label.app). Without an argument the field's value is every
	// attribute under the prefix (Event.Range), rendered as Falco does:
	// "NAME=value NAME=value" for proc.env, "key:value,key:value" for labels.
	Prefixed
	// EvtArg is evt.arg: by name it reads Keys[0].Name + name; by index N it
	// reads the N-th attribute under the prefix, in record order, which the
	// receiver writes in the syscall's parameter order. A parameter written
	// as an integer attribute is rendered in decimal.
	EvtArg
	// EvtArgs renders every evt.arg as "name=value name=value".
	EvtArgs
	// Ancestor: Keys[0] is the process's own value and Keys[1] the ancestor
	// slice (parent first). [0] is the process, [N] is element N-1; a missing
	// ancestor is not extractable. Without an index, a filter check is true
	// when it holds for ANY ancestor, the process itself excluded (libsinsp
	// walks the parents starting from the parent), and false when there are
	// no ancestors; in an output the field without index prints the
	// process's own value, as libsinsp's extraction with no index does.
	Ancestor
	// Parent reads element 0 of the ancestor slice Keys[0].
	Parent
	// ProcArgs: Keys[0] is process.command_line (comm + " " + args, as Falco
	// builds it) and Keys[1] the comm, so the args are the command line after
	// "comm " (empty when the command line is just the comm). When the command
	// line does not start with the comm the args are argv[1:] of the slice
	// Keys[2] joined by spaces. [N] reads argv element N+1.
	ProcArgs
	// ArgCount is the number of arguments (len(argv)-1) of the slice Keys[0].
	ArgCount
	// Directory and Filename split the path Keys[0] of a file fd (Keys[1] is
	// the fd type; an absent type counts as a file). fd.directory is the path
	// up to the last "/" ("/" for a root-level file; a path ending in "/" is
	// kept whole) and, for a directory fd, the path itself. fd.filename is
	// the text after the last "/" (the whole path when it ends in "/", "/"
	// when it has no "/") and is not extractable for non-file fds.
	Directory
	Filename
	// TypeChar and SockFamily are computed from the fd type Keys[0]:
	// file f, directory d, ipv4 4, ipv6 6, unix u, pipe p, event e,
	// signalfd s, eventpoll l, inotify i, timerfd t, netlink n, bpf b,
	// userfaultfd u, io_uring r, memfd m, pidfd P, anything else o.
	// SockFamily is "ip" for ipv4/ipv6 and "unix" for unix sockets.
	TypeChar
	SockFamily
	// Either reads both ends of a connection, Keys being the client and the
	// server side (fd.ip, fd.port, fd.net): a comparison holds when it
	// holds for either end, except "!=", which holds when neither end is
	// equal (libsinsp's rule).
	Either
	// ErrnoName renders the return value Keys[0] as SUCCESS (>= 0) or the
	// Linux errno name of its negation (ENOENT); an unknown errno is
	// rendered as the decimal return value.
	ErrnoName
	// Failed is Keys[0] < 0.
	Failed
	// IsOpenRead, IsOpenWrite, IsOpenExec and IsOpenCreate follow libsinsp.
	// Keys are the raw open flags, the mode, the created flag, the event type
	// and the return value. Raw flags are the open(2) flags value exactly as
	// the program passed it (O_ACCMODE in the low two bits); the open family
	// is open, openat, openat2 and open_by_handle_at. For the open family:
	//   read   = access mode is not O_WRONLY (O_RDONLY, O_RDWR, and the
	//            invalid mode 3, which the drivers report as read-only);
	//   write  = access mode is O_WRONLY or O_RDWR;
	//   create = the created flag is true, or O_TMPFILE is set and the
	//            call succeeded;
	//   exec   = O_CREAT or O_TMPFILE is set and the mode has an execute bit
	//            (never for open_by_handle_at, which has no mode).
	// For creat only exec is computed (mode has an execute bit); its
	// read/write/create are false, as in Falco. Every other event type gives
	// false (an extractable false, so "= false" holds). An open-family event
	// without raw flags is not extractable.
	IsOpenRead
	IsOpenWrite
	IsOpenExec
	IsOpenCreate
	// SameInt is Keys[0] == Keys[1] (proc.is_vpgid_leader).
	SameInt
	// SinceStart is the event time minus the timestamp Keys[0].
	SinceStart
	// Difference is Keys[0] - Keys[1], not extractable unless positive
	// (proc.exe_ino.ctime_duration_proc_start: process start minus the
	// executable's ctime).
	Difference
	// Time is the event timestamp itself.
	Time
	// Constant is the fixed text in Const (evt.dir).
	Constant
	// EventSource is the source of the event (evt.source): what a
	// SourceEvent reports, else Const. One rule set reads records of several
	// sources, so this cannot be a constant.
	EventSource
	// ContainerID is the first 12 characters of the container id Keys[0];
	// "host" when the event has none.
	ContainerID
	// ContainerFullID is the container id; "host" when the event has none.
	ContainerFullID
	// ShortID is the first 12 characters of the id Keys[0]
	// (k8s.pod.sandbox_id).
	ShortID
	// HostDefault reads the first present of Keys[1:], but "host" when the
	// container id Keys[0] is absent (container.name).
	HostDefault
	// ImageRef joins repository Keys[0] and tag Keys[1] as "repo:tag"
	// (just the repository when there is no tag).
	ImageRef
	// MountDest is container.mount.dest[ARG]: with a numeric ARG the ARG-th
	// element of the destinations slice Keys[0]; otherwise the destination
	// of the first mount in Keys[1] ("source:dest:mode:rdwr:propagation")
	// whose source matches the glob ARG.
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
	// Doc, when set, reads the field from the event's JSON document
	// (k8s_audit fields, k8saudit.go) rather than through Extract.
	Doc   *DocRead
	Const string
	// NoRHS fields cannot appear inside val(). FilterOnly fields cannot be
	// printed in outputs. NoTransformer fields cannot be wrapped by a
	// transformer.
	NoRHS, FilterOnly, NoTransformer bool
	Desc                             string
}
