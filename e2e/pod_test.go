package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/vigil-sec/vigil/e2e/containerd"
	"github.com/vigil-sec/vigil/e2e/kubeapi"
)

// podTemplate is the part of a workload's pod template that decides how
// its container runs.
type podTemplate struct {
	Spec struct {
		Containers []struct {
			Name          string
			Image         string
			Command, Args []string
			Env           []envVar
			VolumeMounts  []struct {
				Name, MountPath string
				ReadOnly        bool
			}
			SecurityContext securityContext
			ReadinessProbe  struct {
				HTTPGet struct {
					Path string
					Port int
				}
			}
		}
		Volumes []struct {
			Name     string
			HostPath *struct{ Path, Type string }
			// ConfigMap items are written from the rendered ConfigMap.
			ConfigMap *struct {
				Name  string
				Items []struct{ Key, Path string }
			}
		}
		HostPID, HostNetwork         bool
		ServiceAccountName           string
		AutomountServiceAccountToken *bool
	}
}

type envVar struct {
	Name, Value string
	ValueFrom   *struct {
		FieldRef *struct{ FieldPath string }
	}
}

type securityContext struct {
	RunAsUser, RunAsGroup                *int64
	Privileged, AllowPrivilegeEscalation *bool
	ReadOnlyRootFilesystem               *bool
	Capabilities                         struct{ Add, Drop []string }
	SeccompProfile, AppArmorProfile      struct{ Type string }
}

// podTemplateOf decodes spec.template of a DaemonSet or Deployment.
func podTemplateOf(t *testing.T, workload map[string]any) podTemplate {
	t.Helper()
	spec, _ := workload["spec"].(map[string]any)
	data, err := json.Marshal(spec["template"])
	if err != nil {
		t.Fatal(err)
	}
	var p podTemplate
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Spec.Containers) != 1 {
		t.Fatalf("the pod template has %d containers, want 1", len(p.Spec.Containers))
	}
	return p
}

// podEnv is what a kubelet would provide to the pod: its IP, node, name,
// the ConfigMap's files, the service account's token, and the host paths.
type podEnv struct {
	t                            *testing.T
	cluster                      *kubeapi.Cluster
	ctrd                         *containerd.Daemon
	dir                          string
	podIP, node, namespace, name string
	// config replaces the ConfigMap's relay key (the rendered config with
	// the exporter's endpoint rewritten).
	config string
	token  string
}

// container translates the pod template's container into what
// containerd runs, the way the kubelet and the CRI plugin would. It fails
// on any securityContext this translation does not reproduce faithfully
// (privileged, a seccomp or AppArmor profile, another user, capabilities
// kept from the runtime's default set), so a values change that the test
// would silently ignore fails instead.
func (p *podEnv) container(tmpl podTemplate) containerd.Container {
	t := p.t
	t.Helper()
	kc := tmpl.Spec.Containers[0]
	sc := kc.SecurityContext
	if sc.Privileged != nil && *sc.Privileged {
		t.Fatal("privileged containers are not what the values promise")
	}
	if (sc.RunAsUser != nil && *sc.RunAsUser != 0) || (sc.RunAsGroup != nil && *sc.RunAsGroup != 0) {
		t.Fatalf("the translation runs the image's user 0:0, the template asks for %v:%v", *sc.RunAsUser, *sc.RunAsGroup)
	}
	if !slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) {
		t.Fatalf("capabilities.drop = %v; only [ALL] is translated", sc.Capabilities.Drop)
	}
	if sc.SeccompProfile.Type != "Unconfined" || (sc.AppArmorProfile.Type != "" && sc.AppArmorProfile.Type != "Unconfined") {
		t.Fatalf("seccomp %q, AppArmor %q: only Unconfined is translated", sc.SeccompProfile.Type, sc.AppArmorProfile.Type)
	}
	if kc.Image != vigilImage {
		t.Fatalf("the container's image is %s, the test imported %s", kc.Image, vigilImage)
	}
	c := containerd.Container{
		Image:           kc.Image,
		Args:            append(slices.Clone(kc.Command), kc.Args...),
		NoNewPrivileges: sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation,
		ReadOnlyRootfs:  sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem,
		HostPID:         tmpl.Spec.HostPID,
		// Deviation: no pod network here; the pod IP is a loopback
		// address of its own, so the container shares the host's network.
		HostNetwork: true,
	}
	for _, cp := range sc.Capabilities.Add {
		c.Capabilities = append(c.Capabilities, "CAP_"+cp)
	}
	c.Env = p.env(kc.Env)
	for _, vm := range kc.VolumeMounts {
		src := p.volume(tmpl, vm.Name)
		opt := "rw"
		if vm.ReadOnly {
			opt = "ro"
		}
		c.Mounts = append(c.Mounts, specs.Mount{Type: "bind", Source: src, Destination: vm.MountPath, Options: []string{"rbind", "rprivate", opt}})
	}
	if tmpl.Spec.AutomountServiceAccountToken == nil || *tmpl.Spec.AutomountServiceAccountToken {
		c.Mounts = append(c.Mounts, specs.Mount{Type: "bind", Source: p.serviceAccount(), Destination: "/var/run/secrets/kubernetes.io/serviceaccount", Options: []string{"rbind", "rprivate", "ro"}})
	}
	return c
}

var envRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// env is the container's environment: the service variables the kubelet
// adds, then the template's, with $(VAR) references expanded and the
// downward API's field references answered.
func (p *podEnv) env(vars []envVar) []string {
	t := p.t
	vals := map[string]string{
		"KUBERNETES_SERVICE_HOST": "127.0.0.1",
		"KUBERNETES_SERVICE_PORT": fmt.Sprint(p.cluster.Port),
	}
	out := []string{"KUBERNETES_SERVICE_HOST=127.0.0.1", "KUBERNETES_SERVICE_PORT=" + vals["KUBERNETES_SERVICE_PORT"]}
	fields := map[string]string{
		"status.podIP":       p.podIP,
		"status.hostIP":      "127.0.0.1",
		"spec.nodeName":      p.node,
		"metadata.namespace": p.namespace,
		"metadata.name":      p.name,
	}
	for _, e := range vars {
		v := e.Value
		if e.ValueFrom != nil {
			if e.ValueFrom.FieldRef == nil {
				t.Fatalf("env %s: only fieldRef is translated", e.Name)
			}
			var ok bool
			if v, ok = fields[e.ValueFrom.FieldRef.FieldPath]; !ok {
				t.Fatalf("env %s: field %s is not translated", e.Name, e.ValueFrom.FieldRef.FieldPath)
			}
		} else {
			v = envRef.ReplaceAllStringFunc(v, func(ref string) string {
				if x, ok := vals[ref[2:len(ref)-1]]; ok {
					return x
				}
				return ref // Kubernetes leaves unknown references as they are
			})
		}
		vals[e.Name] = v
		out = append(out, e.Name+"="+v)
	}
	return out
}

// volume is the host directory backing the named volume. Plain host paths
// (/proc, /etc) are the host's own; DirectoryOrCreate ones are the test's
// (an empty directory, so nothing is created on the host) except
// /run/containerd, which is the e2e containerd's directory with its socket.
func (p *podEnv) volume(tmpl podTemplate, name string) string {
	t := p.t
	for _, v := range tmpl.Spec.Volumes {
		if v.Name != name {
			continue
		}
		switch {
		case v.ConfigMap != nil:
			dir := filepath.Join(p.dir, "configmap-"+name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, it := range v.ConfigMap.Items {
				if it.Key != "relay" {
					t.Fatalf("ConfigMap %s: key %s is not translated", v.ConfigMap.Name, it.Key)
				}
				if err := os.WriteFile(filepath.Join(dir, it.Path), []byte(p.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			return dir
		case v.HostPath != nil && v.HostPath.Path == "/run/containerd":
			return p.ctrd.Dir
		case v.HostPath != nil && v.HostPath.Type == "DirectoryOrCreate":
			dir := filepath.Join(p.dir, "hostpath"+strings.ReplaceAll(v.HostPath.Path, "/", "-"))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			return dir
		case v.HostPath != nil && v.HostPath.Type == "":
			return v.HostPath.Path
		default:
			t.Fatalf("volume %s: not translated: %+v", name, v)
		}
	}
	t.Fatalf("no volume %s in the pod template", name)
	return ""
}

// serviceAccount writes the projected service-account volume: the token
// the TokenRequest API issued, the apiserver's CA and the namespace.
func (p *podEnv) serviceAccount() string {
	t := p.t
	dir := filepath.Join(p.dir, "serviceaccount")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(p.cluster.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	for f, data := range map[string]string{"token": p.token, "ca.crt": string(ca), "namespace": p.namespace} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run starts c as container id and returns its task and log file.
func (p *podEnv) run(tmpl podTemplate, c containerd.Container, id string) (*containerd.Task, string) {
	t := p.t
	t.Helper()
	c.ID = id
	c.LogPath = filepath.Join(p.dir, id+".log")
	task := p.ctrd.RunContainer(t, c)
	s := task.Spec
	if s.Linux.Seccomp != nil || s.Process.ApparmorProfile != "" || s.Process.SelinuxLabel != "" {
		t.Fatalf("the spec confines the container more than the values: seccomp %v, apparmor %q", s.Linux.Seccomp != nil, s.Process.ApparmorProfile)
	}
	if !slices.ContainsFunc(s.Linux.Namespaces, func(ns specs.LinuxNamespace) bool { return ns.Type == specs.PIDNamespace }) != tmpl.Spec.HostPID {
		t.Fatalf("pid namespace of the spec does not match hostPID %v", tmpl.Spec.HostPID)
	}
	return task, c.LogPath
}

// waitReady polls the container's readiness probe (HTTP on the pod IP).
func (p *podEnv) waitReady(tmpl podTemplate, task *containerd.Task, logPath string) {
	probe := tmpl.Spec.Containers[0].ReadinessProbe.HTTPGet
	if probe.Port == 0 {
		p.t.Fatal("the container has no HTTP readiness probe")
	}
	waitHTTP(p.t, fmt.Sprintf("http://%s:%d%s", p.podIP, probe.Port, probe.Path), task, logPath)
}
