package kubeapi

import (
	"fmt"
	"time"
)

// Option changes how Start runs the apiserver.
type Option func(*startConfig)

type startConfig struct {
	args []string
	rbac bool
}

// WithRBAC authorizes requests with RBAC instead of allowing everything:
// the admin token (system:masters) still may do anything, a service
// account only what its roles grant.
func WithRBAC() Option {
	return func(c *startConfig) { c.rbac = true }
}

// WithArgs adds apiserver flags.
func WithArgs(args ...string) Option {
	return func(c *startConfig) { c.args = append(c.args, args...) }
}

// AuditWebhook sends audit events, selected by the audit policy file
// policyFile, to the webhook described by the kubeconfig webhookConfigFile,
// in batch mode with a short wait so tests see events within about a
// second. A failed batch is retried with back-off starting at backoff
// (the apiserver tries 5 times in all, multiplying the wait by 1.5).
func AuditWebhook(policyFile, webhookConfigFile string, backoff time.Duration) Option {
	return WithArgs(
		"--audit-policy-file="+policyFile,
		"--audit-webhook-config-file="+webhookConfigFile,
		"--audit-webhook-mode=batch",
		"--audit-webhook-batch-max-wait=500ms",
		"--audit-webhook-batch-max-size=400",
		"--audit-webhook-batch-throttle-enable=false",
		fmt.Sprintf("--audit-webhook-initial-backoff=%s", backoff),
	)
}

// AuditLog also writes the audit events as JSON lines to path (the log
// backend), with the same policy.
func AuditLog(path string) Option {
	return WithArgs("--audit-log-path="+path, "--audit-log-format=json", "--audit-log-mode=blocking")
}

// WebhookKubeconfig is the kubeconfig the apiserver's audit webhook backend
// reads: the receiver's URL, and optionally the CA that signed the
// receiver's certificate and the client certificate the apiserver presents.
func WebhookKubeconfig(url, caFile, clientCert, clientKey string) string {
	cluster := "      server: " + url + "\n"
	if caFile != "" {
		cluster += "      certificate-authority: " + caFile + "\n"
	}
	user := "  - name: apiserver\n    user: {}\n"
	if clientCert != "" {
		user = "  - name: apiserver\n    user:\n      client-certificate: " + clientCert + "\n      client-key: " + clientKey + "\n"
	}
	return "apiVersion: v1\nkind: Config\nclusters:\n  - name: vigil\n    cluster:\n" + cluster +
		"users:\n" + user +
		"contexts:\n  - name: vigil\n    context:\n      cluster: vigil\n      user: apiserver\ncurrent-context: vigil\n"
}
