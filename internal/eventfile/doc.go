// Package eventfile reads events for vigil-rules test and explain: the
// collector's OTLP JSON (what the file exporter writes, one
// ExportLogsServiceRequest per line, read with pdata's JSON unmarshaler) and
// a compact YAML form keyed by Falco field names, which it writes onto the
// same record attributes the receivers write (rules/fields says where each
// field lives). Either way an event is a pdata LogRecord and its Resource,
// read through internal/eventrecord exactly as the rules processor reads
// them.
package eventfile
