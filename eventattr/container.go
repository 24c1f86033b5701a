package eventattr

// On the Resource: the container of the process. ContainerID is the full
// 64-hex id the syscall receiver reads from the cgroup path; the rest are
// written by the container processor from the runtime's own API
// (containerd, Docker, CRI-O). The container.image.* keys are also the ones
// contrib's k8s_attributes processor writes. OTel semantic conventions are
// used where they exist; Falco fields without one live under
// vigil.container.
const (
	ContainerID          = "container.id"
	ContainerName        = "container.name"
	ContainerRuntime     = "container.runtime.name"
	ImageName            = "container.image.name" // repository, without tag or digest
	ImageTag             = "container.image.tag"
	ImageID              = "container.image.id"
	ImageDigest          = "vigil.container.image.digest"
	ContainerPriv        = "vigil.container.privileged"
	ContainerStart       = "vigil.container.start_ts" // Unix nanoseconds
	ContainerIP          = "vigil.container.ip"
	ContainerCNI         = "vigil.container.cni.json"
	ContainerHostPID     = "vigil.container.host_pid"
	ContainerHostNet     = "vigil.container.host_network"
	ContainerHostIPC     = "vigil.container.host_ipc"
	ContainerMounts      = "vigil.container.mounts"      // "source:dest:mode:rdwr:propagation" per mount
	ContainerMountDests  = "vigil.container.mount.dests" // destinations, same order as mounts
	ContainerLabelPrefix = "container.label."
)
