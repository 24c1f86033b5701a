// Package fields is the field registry: the single place that says, for every
// Falco field Vigil supports, its type, what argument it takes, and which
// OpenTelemetry attribute carries its value.
//
// The syscall receiver writes the attribute keys declared here and the rules
// processor reads them back, so the two cannot drift apart. The package has no
// OpenTelemetry or eBPF imports: an Event is any attribute source.
package fields
