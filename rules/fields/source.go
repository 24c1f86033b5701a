package fields

// SourceEvent is implemented by events that know their source (syscall,
// k8s_audit). evt.source reads it, so an audit alert's output says
// k8s_audit although the same field set serves both sources. Events that do
// not implement it are syscall events.
type SourceEvent interface {
	Source() string
}
