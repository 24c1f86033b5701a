// Package rulesprocessor is the collector processor that turns event log
// records into alert log records: each record is read through the rules field
// registry, evaluated against Falco-format rules (natively or through Rego),
// and every match becomes one alert record in the shape of package alert.
// Records that match nothing are dropped.
//
//go:generate go tool mdatagen metadata.yaml
package rulesprocessor // import "github.com/vigil-sec/vigil/processor/rulesprocessor"
