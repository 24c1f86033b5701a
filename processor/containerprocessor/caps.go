package containerprocessor

import (
	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/internal/sensorcaps"
)

// writtenKeys are the resource attributes this processor can add to
// syscall records (putContainer). They are offered to the rules processors'
// dead-rule report, so that a pipeline with this processor does not warn
// that container and pod fields are never written.
var writtenKeys = []string{
	eventattr.ContainerName, eventattr.ContainerRuntime,
	eventattr.ImageName, eventattr.ImageTag, eventattr.ImageDigest, eventattr.ImageID,
	eventattr.ContainerPriv, eventattr.ContainerHostPID, eventattr.ContainerHostNet, eventattr.ContainerHostIPC,
	eventattr.ContainerStart, eventattr.ContainerIP,
	eventattr.ContainerMounts, eventattr.ContainerMountDests,
	eventattr.ContainerLabelPrefix,
	eventattr.PodName, eventattr.NamespaceName, eventattr.PodUID, eventattr.K8sContainer,
}

// capsID keeps this processor's offer apart from a receiver's of the same
// name.
func capsID(id string) string { return "processor/" + id }

// offerCaps says, when the processor is created (before any component
// starts, so before the rules processors judge their rules), which fields
// it writes. A processor with no runtime to ask offers nothing.
func offerCaps(id string, cfg *Config) {
	if !cfg.Discover && len(cfg.Runtimes) == 0 {
		return
	}
	sensorcaps.Publish(capsID(id), sensorcaps.Caps{Source: eventattr.SourceSyscall, Keys: writtenKeys})
}

func withdrawCaps(id string) { sensorcaps.Withdraw(capsID(id)) }
