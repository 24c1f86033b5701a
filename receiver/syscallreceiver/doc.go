// Package syscallreceiver captures system calls with eBPF and emits each
// one as an OTLP log record whose attributes follow rules/fields, so that
// Falco-format rules can be evaluated on them. See README.md.
package syscallreceiver

//go:generate go tool mdatagen metadata.yaml
