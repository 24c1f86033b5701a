package fields

// Key names one attribute. Slot is a dense index, unique per key declared in
// this package, that an Event implementation may use to cache lookups within
// one event; keys built at run time (prefixed keys such as
// "k8s.pod.labels.app") have Slot -1.
type Key struct {
	Name string
	// Resource is true when the attribute lives on the Resource (host,
	// container and pod identity, and the process context with its user,
	// group and ancestry) rather than on the log record.
	Resource bool
	Slot     int
}

// Event is the read side of one event as rules see it. The rules processor
// backs it with a pdata LogRecord and its Resource without copying; tests back
// it with a map. Every getter reports false when the attribute is absent or
// holds another type, which the compiler turns into Falco's "a check on a
// field that cannot be extracted is false".
type Event interface {
	Str(k Key) (string, bool)
	Int(k Key) (int64, bool)
	Bool(k Key) (bool, bool)
	Bytes(k Key) ([]byte, bool)

	// Len reports the length of a slice attribute.
	Len(k Key) (int, bool)
	// StrAt and IntAt read element i of a slice attribute.
	StrAt(k Key, i int) (string, bool)
	IntAt(k Key, i int) (int64, bool)

	// Range calls fn, in attribute order, for every string-valued attribute
	// whose key starts with prefix.Name, passing the rest of the key. It stops
	// when fn returns false. Used for fields without an argument whose values
	// are spread over prefixed keys (evt.args, proc.env, k8s.pod.labels).
	Range(prefix Key, fn func(suffix, value string) bool)

	// Time is the event's timestamp in nanoseconds since the Unix epoch.
	Time() int64
}
