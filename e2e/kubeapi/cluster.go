package kubeapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/e2e/buildcache"
	"github.com/vigil-sec/vigil/e2e/daemon"
	"github.com/vigil-sec/vigil/e2e/loopback"
)

// Cluster is an etcd and a kube-apiserver on 127.0.0.1: enough of a
// Kubernetes control plane for the k8s_attributes processor to watch pods.
// There is no scheduler and no kubelet; tests create the pods and their
// status themselves.
type Cluster struct {
	// URL is the apiserver's https base URL (self-signed certificate).
	URL string
	// Token is the bearer token of an admin user (system:masters).
	Token string
	// Kubeconfig is a kubeconfig file for that user, for the collector's
	// k8s_attributes processor (auth_type: kubeConfig).
	Kubeconfig string
	// Port is the apiserver's port on 127.0.0.1.
	Port int
	// CAFile is the apiserver's self-signed certificate bundle, the ca.crt
	// a pod's service-account volume would hold.
	CAFile string

	client *http.Client
}

// Start builds etcd and kube-apiserver if needed, starts both with fresh
// data directories on free ports, waits until /readyz is ok, and stops them
// when the test ends. Options add apiserver flags (audit.go).
func Start(t testing.TB, opts ...Option) *Cluster {
	t.Helper()
	var sc startConfig
	for _, o := range opts {
		o(&sc)
	}
	etcdBin, err := BuildEtcd(buildcache.TestLog(t))
	if err != nil {
		t.Fatal(err)
	}
	apiBin, err := BuildAPIServer(buildcache.TestLog(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	clientPort, peerPort := loopback.FreePort(t), loopback.FreePort(t)
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", clientPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	etcd := daemon.Start(t, "etcd", dir, etcdBin, []string{
		"--name=vigil-e2e",
		"--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + etcdURL,
		"--advertise-client-urls=" + etcdURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=vigil-e2e=" + peerURL,
		"--log-level=warn",
	}, nil)
	etcdReady := func(status int, body []byte) bool {
		return status == http.StatusOK && bytes.Contains(body, []byte(`"health":"true"`))
	}
	if err := loopback.WaitHTTP(ctx, nil, etcdURL+"/health", nil, etcdReady, etcd.Exited()); err != nil {
		t.Fatalf("%v\n%s", err, etcd.Tail(30))
	}

	c := &Cluster{Token: "vigil-e2e-admin-token"}
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(c.Token+`,admin,admin-uid,"system:masters"`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	saKey, saPub := filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if err := writeRSAKeyPair(saKey, saPub); err != nil {
		t.Fatal(err)
	}
	authz := "AlwaysAllow"
	if sc.rbac {
		authz = "RBAC"
	}
	port := loopback.FreePort(t)
	c.URL = fmt.Sprintf("https://127.0.0.1:%d", port)
	c.Port = port
	c.CAFile = filepath.Join(dir, "certs", "apiserver.crt")
	api := daemon.Start(t, "kube-apiserver", dir, apiBin, append([]string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + filepath.Join(dir, "certs"),
		"--token-auth-file=" + tokens,
		"--authorization-mode=" + authz,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + saPub,
		"--service-account-signing-key-file=" + saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--v=0",
	}, sc.args...), nil)
	// The certificate is self-signed by the apiserver at start; the test
	// trusts it as kubectl's insecure-skip-tls-verify would.
	c.client = &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // loopback test server
	}
	auth := http.Header{"Authorization": {"Bearer " + c.Token}}
	apiReady := func(status int, body []byte) bool { return status == http.StatusOK && string(body) == "ok" }
	if err := loopback.WaitHTTP(ctx, c.client, c.URL+"/readyz", auth, apiReady, api.Exited()); err != nil {
		t.Fatalf("%v\n%s", err, api.Tail(40))
	}

	c.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(c.Kubeconfig, []byte(c.kubeconfig()), 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *Cluster) kubeconfig() string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
  - name: vigil-e2e
    cluster:
      server: %s
      insecure-skip-tls-verify: true
users:
  - name: admin
    user:
      token: %s
contexts:
  - name: vigil-e2e
    context:
      cluster: vigil-e2e
      user: admin
      namespace: default
current-context: vigil-e2e
`, c.URL, c.Token)
}

func writeRSAKeyPair(keyPath, pubPath string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}

// Do sends a request to the apiserver as the admin user. body, if not nil,
// is sent as JSON with contentType (application/json when empty). A non-2xx
// answer is an error carrying the apiserver's message.
func (c *Cluster) Do(ctx context.Context, method, path, contentType string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Pod describes a pod with one running container, as a kubelet would have
// reported it.
type Pod struct {
	Namespace, Name string
	NodeName        string
	Labels          map[string]string
	ContainerName   string
	Image           string
	// ContainerID is the full 64-hex runtime id; the status carries it as
	// containerd://<id>, which k8s_attributes matches container.id against.
	ContainerID string
	PodIP       string
	// UID is filled in by CreatePod.
	UID string
}

// CreatePod creates the namespace (if missing) and the pod, then sets the
// pod's status through the status subresource: Running, the pod IP and one
// running container with its id and image.
func (c *Cluster) CreatePod(ctx context.Context, p *Pod) error {
	if p.Namespace == "" {
		p.Namespace = "default"
	}
	if p.Namespace != "default" {
		ns := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": p.Namespace}}
		if err := c.Do(ctx, http.MethodPost, "/api/v1/namespaces", "", ns, nil); err != nil && !isConflict(err) {
			return err
		}
	}
	// The ServiceAccount admission plugin wants the namespace's default
	// service account, which the controller manager (not running here)
	// would create.
	sa := map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default"}}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+p.Namespace+"/serviceaccounts", "", sa, nil); err != nil && !isConflict(err) {
		return err
	}
	pod := map[string]any{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata":   map[string]any{"name": p.Name, "namespace": p.Namespace, "labels": p.Labels},
		"spec": map[string]any{
			"nodeName":   p.NodeName,
			"containers": []any{map[string]any{"name": p.ContainerName, "image": p.Image}},
		},
	}
	var created struct {
		Metadata struct {
			UID string `json:"uid"`
		} `json:"metadata"`
	}
	base := "/api/v1/namespaces/" + p.Namespace + "/pods"
	if err := c.Do(ctx, http.MethodPost, base, "", pod, &created); err != nil {
		return err
	}
	p.UID = created.Metadata.UID
	now := time.Now().UTC().Format(time.RFC3339)
	status := map[string]any{"status": map[string]any{
		"phase":     "Running",
		"podIP":     p.PodIP,
		"podIPs":    []any{map[string]any{"ip": p.PodIP}},
		"hostIP":    "127.0.0.1",
		"startTime": now,
		"conditions": []any{
			map[string]any{"type": "Ready", "status": "True", "lastTransitionTime": now},
		},
		"containerStatuses": []any{map[string]any{
			"name":         p.ContainerName,
			"image":        p.Image,
			"imageID":      p.Image + "@sha256:" + strings.Repeat("ab", 32),
			"containerID":  "containerd://" + p.ContainerID,
			"ready":        true,
			"started":      true,
			"restartCount": 0,
			"state":        map[string]any{"running": map[string]any{"startedAt": now}},
		}},
	}}
	return c.Do(ctx, http.MethodPatch, base+"/"+p.Name+"/status", "application/merge-patch+json", status, nil)
}

func isConflict(err error) bool { return strings.Contains(err.Error(), "HTTP 409") }
