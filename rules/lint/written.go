package lint

import "github.com/vigil-sec/vigil/rules/fields"

// written holds the attributes some event source writes: the syscall
// receiver (its README's attribute tables, which a test compares with this
// list) and the contrib k8s_attributes processor, which adds Kubernetes and
// image metadata to the Resource.
var written = map[string]bool{}

// syscallKeys are the attributes the syscall receiver writes.
var syscallKeys = []fields.Key{
	// records
	fields.KeyEvtType, fields.KeyEvtNum, fields.KeyEvtCPU, fields.KeyEvtRawRes,
	fields.KeyEvtArg, fields.KeyEvtRawArg, fields.KeyOpenFlags, fields.KeyOpenMode, fields.KeyOpenCreated,
	fields.KeyThreadTID, fields.KeyThreadVTID, fields.KeyProcEnv,
	fields.KeyFDNum, fields.KeyFDType, fields.KeyFilePath, fields.KeyFDName, fields.KeyFDNameRaw,
	fields.KeyFDConnected, fields.KeyFDNameChanged, fields.KeyFDIsServer, fields.KeyFDDev, fields.KeyFDIno, fields.KeyL4Proto,
	fields.KeyClientAddr, fields.KeyClientPort, fields.KeyServerAddr, fields.KeyServerPort,
	fields.KeyClientName, fields.KeyServerName,
	fields.KeyLocalAddr, fields.KeyLocalPort, fields.KeyPeerAddr, fields.KeyPeerPort,
	// resource
	fields.KeyHostName, fields.KeyContainerID, fields.KeyContainerRuntime, fields.KeyPodUID,
	fields.KeyProcPID, fields.KeyProcVPID, fields.KeyProcPPID, fields.KeyProcName, fields.KeyProcExe,
	fields.KeyProcExePath, fields.KeyProcCmdline, fields.KeyProcArgs, fields.KeyProcCwd, fields.KeyProcTTY,
	fields.KeyProcInteractive, fields.KeyProcSID, fields.KeyProcSName, fields.KeyProcPGID, fields.KeyProcVPGID,
	fields.KeyProcStartTime, fields.KeyProcExeIno, fields.KeyProcExeUpper, fields.KeyProcExeMemfd,
	fields.KeyProcExeLower, fields.KeyProcExeCtime, fields.KeyProcExeMtime, fields.KeyProcExeWritable,
	fields.KeyCapPermitted, fields.KeyCapEffective, fields.KeyCapInheritable,
	fields.KeyAncNames, fields.KeyAncPIDs, fields.KeyAncExes, fields.KeyAncExePaths, fields.KeyAncCmdlines,
	fields.KeyUserUID, fields.KeyUserName, fields.KeyUserHome, fields.KeyUserShell, fields.KeyUserLoginUID,
	fields.KeyUserLoginName, fields.KeyGroupGID, fields.KeyGroupName,
}

// k8sAttributesKeys are the attributes the k8s_attributes processor adds.
var k8sAttributesKeys = []fields.Key{
	fields.KeyPodName, fields.KeyPodIP, fields.KeyPodLabel, fields.KeyNamespaceName, fields.KeyNamespaceLabel,
	fields.KeyDeploymentName, fields.KeyDeploymentUID, fields.KeyReplicaSetName, fields.KeyReplicaSetUID,
	fields.KeyNodeName, fields.KeyK8sContainer, fields.KeyImageName, fields.KeyImageTag, fields.KeyImageID,
}

func init() {
	for _, k := range append(syscallKeys, k8sAttributesKeys...) {
		written[k.Name] = true
	}
}

// Written reports whether some event source writes an attribute the field
// reads. Fields computed from the event itself (evt.time, constants) count
// as written.
func Written(f *fields.Field) bool {
	if len(f.Keys) == 0 {
		return true
	}
	for _, k := range f.Keys {
		if written[k.Name] {
			return true
		}
	}
	return false
}
