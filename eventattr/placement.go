package eventattr

import "strings"

// Where says where a receiver writes key: on the Resource (onResource) or
// on the record. known is false for a key that is not in the contract. A key
// under one of the prefixes (EvtArgPrefix + a parameter name, a container
// label...) is where its prefix is. Each file's const blocks say the same
// in their doc comments, and a test keeps the two in step.
func Where(key string) (onResource, known bool) {
	if r, ok := placement[key]; ok {
		return r, true
	}
	for _, p := range recordPrefixes {
		if strings.HasPrefix(key, p) {
			return false, true
		}
	}
	for _, p := range resourcePrefixes {
		if strings.HasPrefix(key, p) {
			return true, true
		}
	}
	return false, false
}

var placement = func() map[string]bool {
	m := make(map[string]bool, len(recordKeys)+len(resourceKeys))
	for _, k := range recordKeys {
		m[k] = false
	}
	for _, k := range resourceKeys {
		m[k] = true
	}
	return m
}()

var recordKeys = []string{
	K8sAuditID,
	K8sAuditStage,
	K8sAuditVerb,
	K8sAuditURI,
	K8sAuditUserName,
	K8sAuditUserGroups,
	K8sAuditImpUserName,
	K8sAuditResource,
	K8sAuditSubresource,
	K8sAuditNamespace,
	K8sAuditName,
	K8sAuditAPIGroup,
	K8sAuditResponseCode,
	K8sAuditAuthDecision,
	K8sAuditAuthReason,
	K8sAuditUserAgent,
	K8sAuditSourceIPs,
	K8sAuditEvent,
	K8sAuditReceivedNanos,
	EvtType,
	EvtNum,
	EvtCPU,
	EvtRawRes,
	EvtBuffer,
	OpenFlags,
	OpenMode,
	OpenCreated,
	FDNum,
	FDType,
	FilePath,
	FDName,
	FDNameRaw,
	FDNameChanged,
	FDConnected,
	FDIsServer,
	FDDev,
	FDIno,
	L4Proto,
	ClientAddr,
	ClientPort,
	ServerAddr,
	ServerPort,
	LocalAddr,
	LocalPort,
	PeerAddr,
	PeerPort,
	ClientName,
	ServerName,
	LocalName,
	PeerName,
	ThreadTID,
	ThreadVTID,
}

var resourceKeys = []string{
	ContainerID,
	ContainerName,
	ContainerRuntime,
	ImageName,
	ImageTag,
	ImageID,
	ImageDigest,
	ContainerPriv,
	ContainerStart,
	ContainerIP,
	ContainerCNI,
	ContainerHostPID,
	ContainerHostNet,
	ContainerHostIPC,
	ContainerMounts,
	ContainerMountDests,
	HostName,
	K8sContainer,
	PodName,
	PodUID,
	PodIP,
	PodSandboxID,
	PodCNI,
	NamespaceName,
	NamespaceUID,
	DeploymentName,
	DeploymentUID,
	ReplicaSetName,
	ReplicaSetUID,
	ServiceName,
	NodeName,
	ProcPID,
	ProcVPID,
	ProcPPID,
	ProcName,
	ProcExe,
	ProcExePath,
	ProcCmdline,
	ProcArgs,
	ProcCwd,
	ProcTTY,
	ProcInteractive,
	ProcSID,
	ProcSName,
	ProcPGID,
	ProcVPGID,
	ProcStartTime,
	ProcExeIno,
	ProcExeCtime,
	ProcExeMtime,
	ProcExeWritable,
	ProcExeUpper,
	ProcExeMemfd,
	ProcExeLower,
	CapPermitted,
	CapEffective,
	CapInheritable,
	AncNames,
	AncPIDs,
	AncExes,
	AncExePaths,
	AncCmdlines,
	UserUID,
	UserName,
	UserHome,
	UserShell,
	UserLoginUID,
	UserLoginName,
	GroupGID,
	GroupName,
}

var recordPrefixes = []string{
	EvtArgPrefix,
	EvtRawArgPrefix,
	ProcEnvPrefix,
}

var resourcePrefixes = []string{
	ContainerLabelPrefix,
	PodLabelPrefix,
	NamespaceLabelPrefix,
}
