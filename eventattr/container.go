package eventattr

// Resource attributes of the container a process runs in. container.id is
// written by the syscall receiver from the cgroup path; the rest by the
// container processor from the runtime's own API. The OTel semantic
// conventions are used where they exist (container.*, k8s.*); Falco fields
// without a convention live under vigil.container.
const (
	ContainerID          = "container.id"
	ContainerName        = "container.name"
	ContainerRuntime     = "container.runtime.name"
	ContainerImageName   = "container.image.name" // repository, without tag or digest
	ContainerImageTag    = "container.image.tag"
	ContainerImageID     = "container.image.id"
	ContainerImageDigest = "vigil.container.image.digest"
	ContainerPrivileged  = "vigil.container.privileged"
	ContainerStartTime   = "vigil.container.start_ts" // Unix nanoseconds
	ContainerIP          = "vigil.container.ip"
	ContainerHostPID     = "vigil.container.host_pid"
	ContainerHostNetwork = "vigil.container.host_network"
	ContainerHostIPC     = "vigil.container.host_ipc"
	// ContainerMounts holds one "source:dest:mode:rdwr:propagation" string
	// per mount; ContainerMountDests the destinations in the same order.
	ContainerMounts      = "vigil.container.mounts"
	ContainerMountDests  = "vigil.container.mount.dests"
	ContainerLabelPrefix = "container.label."

	K8sPodName       = "k8s.pod.name"
	K8sPodUID        = "k8s.pod.uid"
	K8sNamespaceName = "k8s.namespace.name"
	K8sContainerName = "k8s.container.name"
)
