package eventattr

// On the Resource: the Kubernetes identity of the process's pod, with the
// k8s.* names contrib's k8s_attributes processor writes.
const (
	K8sContainer         = "k8s.container.name"
	PodName              = "k8s.pod.name"
	PodUID               = "k8s.pod.uid"
	PodIP                = "k8s.pod.ip"
	PodSandboxID         = "vigil.k8s.pod.sandbox_id"
	PodCNI               = "vigil.k8s.pod.cni.json"
	PodLabelPrefix       = "k8s.pod.labels."
	NamespaceName        = "k8s.namespace.name"
	NamespaceUID         = "vigil.k8s.namespace.uid"
	NamespaceLabelPrefix = "k8s.namespace.labels."
	DeploymentName       = "k8s.deployment.name"
	DeploymentUID        = "k8s.deployment.uid"
	ReplicaSetName       = "k8s.replicaset.name"
	ReplicaSetUID        = "k8s.replicaset.uid"
	ServiceName          = "vigil.k8s.service.name"
	NodeName             = "k8s.node.name"
)
