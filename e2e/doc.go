// Package e2e holds the end-to-end tests: they start the built distribution
// (bin/vigil) as a separate process and real backends (Loki, etcd,
// kube-apiserver) built from the Go module proxy and cached outside the
// repository, and assert on what arrives at the receiving end.
//
// The helpers live in sub-packages, one job each: buildcache (build a
// binary once, share it between runs), loopback (free ports, readiness
// polling), loki, kubeapi, collector.
package e2e
