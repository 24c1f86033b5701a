// Package loki builds, starts and queries a real Grafana Loki for the
// end-to-end tests: a single-process Loki on 127.0.0.1 with its own data
// directory, receiving OTLP logs at /otlp/v1/logs.
package loki

import (
	"io"
	"os"

	"github.com/vigil-sec/vigil/e2e/buildcache"
)

// Version is the Loki release the tests run.
const Version = "3.7.8"

// Build returns the path of the cached loki binary, building it first if
// needed (about 10 minutes cold on 2 cores).
//
// The published module cannot be built as downloaded: its go.mod replaces
// github.com/grafana/loki/pkg/push with ./pkg/push, a nested module that the
// module zip leaves out. Dropping that replace makes Go use the published
// pkg/push module instead.
func Build(log io.Writer) (string, error) {
	e, err := buildcache.Open("loki", Version)
	if err != nil {
		return "", err
	}
	return e.Ensure("loki", log, func(out string, blog io.Writer) error {
		mod, err := buildcache.ModuleDir("github.com/grafana/loki/v3", "v"+Version)
		if err != nil {
			return err
		}
		src := e.Path("src")
		if err := os.RemoveAll(src); err != nil {
			return err
		}
		if err := buildcache.CopyTree(mod, src); err != nil {
			return err
		}
		if err := buildcache.Go(src, blog, "mod", "edit", "-dropreplace=github.com/grafana/loki/pkg/push"); err != nil {
			return err
		}
		if err := buildcache.Go(src, blog, "build", "-o", out, "./cmd/loki"); err != nil {
			return err
		}
		// The compiled packages stay in GOCACHE; the 1 GB source copy is
		// not needed again.
		return os.RemoveAll(src)
	})
}
