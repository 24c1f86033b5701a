// Command buildservers builds the end-to-end tests' backends (etcd,
// kube-apiserver, Loki) and tools (helm's renderer, crane) into the e2e
// build cache and exits. Run it from the repository's root. CI starts it in
// the background before the unit tests, so that a cold machine builds the
// servers while the unit tests wait on real kernels and processes; the e2e
// tests then find them built, or wait on the cache's lock for the build in
// progress instead of starting their own.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/vigil-sec/vigil/e2e/helmchart"
	"github.com/vigil-sec/vigil/e2e/kubeapi"
	"github.com/vigil-sec/vigil/e2e/loki"
)

func main() {
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildservers:", err)
		os.Exit(1)
	}
	builds := []struct {
		name  string
		build func(log *os.File) (string, error)
	}{
		{"etcd", func(l *os.File) (string, error) { return kubeapi.BuildEtcd(l) }},
		{"kube-apiserver", func(l *os.File) (string, error) { return kubeapi.BuildAPIServer(l) }},
		{"loki", func(l *os.File) (string, error) { return loki.Build(l) }},
		{"helmrender", func(l *os.File) (string, error) { return helmchart.BuildToolIn(root, l, "helmrender", "./helmrender") }},
		{"crane", func(l *os.File) (string, error) {
			return helmchart.BuildToolIn(root, l, "crane", "github.com/google/go-containerregistry/cmd/crane")
		}},
	}
	failed := false
	for _, b := range builds {
		start := time.Now()
		path, err := b.build(os.Stdout)
		if err != nil {
			// the e2e test that needs it builds again and fails with the
			// full build log; here only say so
			fmt.Fprintf(os.Stderr, "buildservers: %s: %v\n", b.name, err)
			failed = true
			continue
		}
		fmt.Printf("buildservers: %s ready at %s (%s)\n", b.name, path, time.Since(start).Round(time.Second))
	}
	if failed {
		os.Exit(1)
	}
}
