package kubeapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// resources maps the kinds a Helm chart renders to their API path and
// whether they live in a namespace.
var resources = map[string]struct {
	path       string
	namespaced bool
}{
	"v1/Namespace":      {"/api/v1/namespaces", false},
	"v1/ServiceAccount": {"/api/v1/namespaces/%s/serviceaccounts", true},
	"v1/ConfigMap":      {"/api/v1/namespaces/%s/configmaps", true},
	"v1/Service":        {"/api/v1/namespaces/%s/services", true},
	"v1/Secret":         {"/api/v1/namespaces/%s/secrets", true},
	"rbac.authorization.k8s.io/v1/ClusterRole":        {"/apis/rbac.authorization.k8s.io/v1/clusterroles", false},
	"rbac.authorization.k8s.io/v1/ClusterRoleBinding": {"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", false},
	"apps/v1/DaemonSet":                               {"/apis/apps/v1/namespaces/%s/daemonsets", true},
	"apps/v1/Deployment":                              {"/apis/apps/v1/namespaces/%s/deployments", true},
	"policy/v1/PodDisruptionBudget":                   {"/apis/policy/v1/namespaces/%s/poddisruptionbudgets", true},
}

// Create creates obj (a decoded manifest) as the admin user and returns
// the object the apiserver stored. Namespaced objects without a namespace
// go to "default"; the namespace must exist (EnsureNamespace).
func (c *Cluster) Create(ctx context.Context, obj map[string]any) (map[string]any, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	r, ok := resources[apiVersion+"/"+kind]
	if !ok {
		return nil, fmt.Errorf("kubeapi: no API path known for %s %s", apiVersion, kind)
	}
	path := r.path
	if r.namespaced {
		ns := "default"
		if md, _ := obj["metadata"].(map[string]any); md != nil {
			if s, _ := md["namespace"].(string); s != "" {
				ns = s
			}
		}
		path = fmt.Sprintf(path, ns)
	}
	var out map[string]any
	if err := c.Do(ctx, http.MethodPost, path, "", obj, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Get reads the object at an API path, such as
// /apis/apps/v1/namespaces/vigil/daemonsets/name.
func (c *Cluster) Get(ctx context.Context, path string) (map[string]any, error) {
	var out map[string]any
	err := c.Do(ctx, http.MethodGet, path, "", nil, &out)
	return out, err
}

// EnsureNamespace creates namespace ns if it does not exist.
func (c *Cluster) EnsureNamespace(ctx context.Context, ns string) error {
	_, err := c.Create(ctx, map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}})
	if err != nil && !isConflict(err) {
		return err
	}
	return nil
}

// ServiceAccountToken asks the TokenRequest API for a token of service
// account ns/name, what the kubelet writes into a pod's projected
// service-account volume.
func (c *Cluster) ServiceAccountToken(ctx context.Context, ns, name string) (string, error) {
	req := map[string]any{
		"apiVersion": "authentication.k8s.io/v1",
		"kind":       "TokenRequest",
		"spec":       map[string]any{"expirationSeconds": 3600},
	}
	var out struct {
		Status struct {
			Token string `json:"token"`
		} `json:"status"`
	}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/namespaces/"+ns+"/serviceaccounts/"+name+"/token", "", req, &out); err != nil {
		return "", err
	}
	if strings.TrimSpace(out.Status.Token) == "" {
		return "", fmt.Errorf("kubeapi: TokenRequest for %s/%s returned no token", ns, name)
	}
	return out.Status.Token, nil
}
