package containerprocessor

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/runtimes"
)

// putContainer writes c (prepared: see cache) on a Resource, leaving out what the runtime did
// not say, so that Falco's fields read <NA> for it.
func putContainer(a pcommon.Map, c *runtimes.Container) {
	a.EnsureCapacity(a.Len() + 20 + len(c.Labels))
	putStr(a, eventattr.ContainerName, c.Name)
	putStr(a, eventattr.ContainerRuntime, c.Runtime)
	putStr(a, eventattr.ContainerImageName, c.ImageRepo)
	putStr(a, eventattr.ContainerImageTag, c.ImageTag)
	putStr(a, eventattr.ContainerImageDigest, c.ImageDigest)
	putStr(a, eventattr.ContainerImageID, c.ImageID)
	a.PutBool(eventattr.ContainerPrivileged, c.Privileged)
	a.PutBool(eventattr.ContainerHostPID, c.HostPID)
	a.PutBool(eventattr.ContainerHostNetwork, c.HostNetwork)
	a.PutBool(eventattr.ContainerHostIPC, c.HostIPC)
	if c.StartNs != 0 {
		a.PutInt(eventattr.ContainerStartTime, c.StartNs)
	}
	putStr(a, eventattr.ContainerIP, c.IP)
	mounts := a.PutEmptySlice(eventattr.ContainerMounts)
	dests := a.PutEmptySlice(eventattr.ContainerMountDests)
	mounts.EnsureCapacity(len(c.Mounts))
	dests.EnsureCapacity(len(c.Mounts))
	for i, m := range c.Mounts {
		mounts.AppendEmpty().SetStr(c.Attrs.Mounts[i])
		dests.AppendEmpty().SetStr(m.Dest)
	}
	for i, k := range c.Attrs.LabelKeys {
		a.PutStr(k, c.Attrs.LabelVals[i])
	}
	putStr(a, eventattr.K8sPodName, c.PodName)
	putStr(a, eventattr.K8sNamespaceName, c.PodNamespace)
	putStr(a, eventattr.K8sPodUID, c.PodUID)
	putStr(a, eventattr.K8sContainerName, c.K8sContainerName)
}

func putStr(a pcommon.Map, k, v string) {
	if v != "" {
		a.PutStr(k, v)
	}
}
