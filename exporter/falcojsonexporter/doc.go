//go:generate go tool mdatagen metadata.yaml

// Package falcojsonexporter turns alert log records (see package alert) back
// into Falco's JSON alert, so that falcosidekick and other consumers of
// Falco's http_output or json_output keep working unchanged. It either POSTs
// one alert per request to an HTTP endpoint or appends JSON lines to a file
// or to stdout.
package falcojsonexporter // import "github.com/vigil-sec/vigil/exporter/falcojsonexporter"
