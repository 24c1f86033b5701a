// Package runtimes holds one client per container runtime (containerd,
// CRI-O, Docker and Podman), each turning its runtime's answer into a
// Container: what Falco's container.* and k8s.* fields need.
package runtimes

import (
	"sort"
	"strings"

	"github.com/distribution/reference"
)

// Container is what a runtime says about one container.
type Container struct {
	ID      string // full id (64 hex characters)
	Name    string
	Runtime string // containerd, cri-o, docker, podman

	ImageRef    string // as the container was created from it
	ImageRepo   string // repository, without tag or digest
	ImageTag    string
	ImageDigest string // sha256:... of the manifest (or index)
	ImageID     string // sha256:... of the image config

	Privileged                    bool
	HostPID, HostNetwork, HostIPC bool
	Mounts                        []Mount
	Labels                        map[string]string
	StartNs                       int64 // Unix nanoseconds; 0 when unknown
	IP                            string
	PodName, PodNamespace, PodUID string // from the CRI labels
	K8sContainerName              string

	// Attrs is what Prepare precomputes for writing the container on
	// Resources: done once per container, not per Resource.
	Attrs Prepared
}

// Prepared holds the strings a Resource needs, built once.
type Prepared struct {
	Mounts    []string // Mount.String() of each mount
	LabelKeys []string // container.label.<key>, sorted by key
	LabelVals []string
}

// Prepare builds c.Attrs; labelPrefix is the attribute prefix of labels.
func (c *Container) Prepare(labelPrefix string) {
	a := Prepared{Mounts: make([]string, len(c.Mounts))}
	for i, m := range c.Mounts {
		a.Mounts[i] = m.String()
	}
	keys := make([]string, 0, len(c.Labels))
	for k := range c.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a.LabelKeys = append(a.LabelKeys, labelPrefix+k)
		a.LabelVals = append(a.LabelVals, c.Labels[k])
	}
	c.Attrs = a
}

// Mount is one mount of the container's spec.
type Mount struct {
	Source, Dest string
	Mode         string // the mount options as given ("rbind,ro")
	RW           bool
	Propagation  string // private, rprivate, shared, rshared, slave, rslave; "" when unset
}

// String is Falco's container.mounts element: source:dest:mode:rdwr:propagation.
func (m Mount) String() string {
	return m.Source + ":" + m.Dest + ":" + m.Mode + ":" + boolStr(m.RW) + ":" + m.Propagation
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// The labels the kubelet puts on every container through the CRI; Falco
// reads the pod's identity from them without asking the API server.
const (
	labelPodName       = "io.kubernetes.pod.name"
	labelPodNamespace  = "io.kubernetes.pod.namespace"
	labelPodUID        = "io.kubernetes.pod.uid"
	labelContainerName = "io.kubernetes.container.name"
)

// fromLabels fills the Kubernetes identity from the CRI labels.
func (c *Container) fromLabels() {
	c.PodName = c.Labels[labelPodName]
	c.PodNamespace = c.Labels[labelPodNamespace]
	c.PodUID = c.Labels[labelPodUID]
	c.K8sContainerName = c.Labels[labelContainerName]
}

// setImage splits an image reference into repository, tag and digest the
// way Falco reports them: "docker.io/library/nginx:1.25" keeps its
// registry and path; a reference the parser refuses (an image id, say) is
// kept whole as the repository.
func (c *Container) setImage(ref string) {
	c.ImageRef = ref
	if ref == "" {
		return
	}
	if strings.HasPrefix(ref, "sha256:") {
		c.ImageID = ref
		return
	}
	named, err := reference.ParseAnyReference(ref)
	if err != nil {
		c.ImageRepo = ref
		return
	}
	if n, ok := named.(reference.Named); ok {
		c.ImageRepo = n.Name()
	}
	if t, ok := named.(reference.Tagged); ok {
		c.ImageTag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		c.ImageDigest = d.Digest().String()
	}
}
