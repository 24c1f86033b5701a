package fields

// Type is the value type of a field. The set mirrors the libsinsp types the
// rules language distinguishes when it parses constants and picks operators.
type Type uint8

const (
	// String is text (libsinsp CHARBUF and FSPATH).
	String Type = iota + 1
	// Int is any integer (libsinsp INT*/UINT*); stored as int64.
	Int
	// Bool is true/false.
	Bool
	// IPAddr is an IPv4 or IPv6 address, carried as its text form.
	IPAddr
	// IPNet is a field that is compared against CIDR constants (fd.net).
	IPNet
	// Port is a TCP/UDP port number.
	Port
	// Bytes is a raw byte buffer (evt.buffer).
	Bytes
	// AbsTime is nanoseconds since the Unix epoch.
	AbsTime
	// RelTime is a duration in nanoseconds.
	RelTime
)

var typeNames = [...]string{
	String: "string", Int: "int", Bool: "bool", IPAddr: "ipaddr", IPNet: "ipnet",
	Port: "port", Bytes: "bytes", AbsTime: "abstime", RelTime: "reltime",
}

func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "invalid"
}

// Numeric reports whether values of t compare as numbers.
func (t Type) Numeric() bool {
	switch t {
	case Int, Port, AbsTime, RelTime:
		return true
	}
	return false
}

// ArgKind says what may follow a field name: nothing, [N], [key], or either.
type ArgKind uint8

const (
	ArgNone ArgKind = iota
	// ArgIndex takes a non-negative integer: proc.aname[2].
	ArgIndex
	// ArgKey takes a free-form key, in brackets or dotted: proc.env[HOME],
	// k8s.pod.label.app.
	ArgKey
	// ArgIndexOrKey takes either: evt.arg[0], evt.arg.flags.
	ArgIndexOrKey
)

func (a ArgKind) String() string {
	switch a {
	case ArgNone:
		return "none"
	case ArgIndex:
		return "index"
	case ArgKey:
		return "key"
	case ArgIndexOrKey:
		return "index or key"
	}
	return "invalid"
}
