// Package k8sauditreceiver receives Kubernetes audit events, from
// kube-apiserver's audit webhook backend, and emits each one as a log record
// of the k8s_audit source (eventattr/k8saudit.go), so that Falco's k8s audit
// rules run in the rules processor. See README.md.
package k8sauditreceiver

//go:generate go tool mdatagen metadata.yaml
