// Package eventattr is the attribute contract of event records: the
// EventName that marks each event source and the attribute keys that
// receivers write on event records and their Resources. Receivers import this
// package and nothing else of ours; rules/fields maps Falco field names onto
// these keys. It is a leaf: it imports nothing of this module.
//
// OpenTelemetry semantic-convention names are used wherever a convention
// exists; everything else lives under the "vigil." namespace and is named
// after the Falco field it carries.
package eventattr
