// Package tools is the module of the programs the end-to-end tests build
// from the module proxy and keep in the e2e cache (e2e/helmchart,
// e2e/registry): helmrender (helm.sh/helm/v3) and crane
// (go-containerregistry's registry client and server, a tool directive).
// It is a module of its own so that helm's and crane's dependencies stay
// out of the collector's module graph, which distro/ builds from.
package tools
