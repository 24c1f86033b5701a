package containerprocessor

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// result is the outcome of a lookup the cache missed (metric attribute
// result of processor_container_lookups).
type result string

const (
	resultFetched     result = "fetched"
	resultNotFound    result = "not_found"
	resultFailed      result = "failed"
	resultTimeout     result = "timeout"
	resultUnavailable result = "unavailable" // no runtime was answering
)

// resultAttrs are made once: an attribute set per lookup would allocate.
var resultAttrs = map[result]metric.AddOption{}

func init() {
	for _, r := range []result{resultFetched, resultNotFound, resultFailed, resultTimeout, resultUnavailable} {
		resultAttrs[r] = metric.WithAttributeSet(attribute.NewSet(attribute.String("result", string(r))))
	}
}

func runtimeAttr(label string) metric.AddOption {
	return metric.WithAttributeSet(attribute.NewSet(attribute.String("runtime", label)))
}
