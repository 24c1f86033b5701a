// Package containerprocessor is the collector processor that adds a
// container's runtime metadata to every Resource carrying a container.id:
// it follows each runtime's event stream, caches what the runtimes say, and
// looks up, within a bound, the containers the cache misses.
//
//go:generate go tool mdatagen metadata.yaml
package containerprocessor // import "github.com/vigil-sec/vigil/processor/containerprocessor"
