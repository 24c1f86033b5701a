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
	putStr(a, eventattr.ImageName, c.ImageRepo)
	putStr(a, eventattr.ImageTag, c.ImageTag)
	putStr(a, eventattr.ImageDigest, c.ImageDigest)
	putStr(a, eventattr.ImageID, c.ImageID)
	a.PutBool(eventattr.ContainerPriv, c.Privileged)
	a.PutBool(eventattr.ContainerHostPID, c.HostPID)
	a.PutBool(eventattr.ContainerHostNet, c.HostNetwork)
	a.PutBool(eventattr.ContainerHostIPC, c.HostIPC)
	if c.StartNs != 0 {
		a.PutInt(eventattr.ContainerStart, c.StartNs)
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
	putStr(a, eventattr.PodName, c.PodName)
	putStr(a, eventattr.NamespaceName, c.PodNamespace)
	putStr(a, eventattr.PodUID, c.PodUID)
	putStr(a, eventattr.K8sContainer, c.K8sContainerName)
}

func putStr(a pcommon.Map, k, v string) {
	if v != "" {
		a.PutStr(k, v)
	}
}
