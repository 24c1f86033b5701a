package eventattr

// On the record: the attributes of k8s_audit records, one record per
// Kubernetes audit event (audit.k8s.io/v1 Event). The scalars that nearly every k8s_audit rule
// reads are written as typed attributes, decoded once by the receiver, so
// that the common checks (stage, verb, resource, user) never touch JSON. The
// event itself is kept as JSON text under K8sAuditEvent: everything else a
// rule may ask for (the request and response objects, jevt.value pointers)
// is read from it, and only for the events that reach such a check.
//
// Names follow the Falco field each attribute carries.
const (
	K8sAuditID            = "vigil.ka.auditid"             // string: auditID
	K8sAuditStage         = "vigil.ka.stage"               // string: stage
	K8sAuditVerb          = "vigil.ka.verb"                // string: verb
	K8sAuditURI           = "vigil.ka.uri"                 // string: requestURI
	K8sAuditUserName      = "vigil.ka.user.name"           // string: user.username
	K8sAuditUserGroups    = "vigil.ka.user.groups"         // []string: user.groups
	K8sAuditImpUserName   = "vigil.ka.impuser.name"        // string: impersonatedUser.username
	K8sAuditResource      = "vigil.ka.target.resource"     // string: objectRef.resource
	K8sAuditSubresource   = "vigil.ka.target.subresource"  // string: objectRef.subresource
	K8sAuditNamespace     = "vigil.ka.target.namespace"    // string: objectRef.namespace
	K8sAuditName          = "vigil.ka.target.name"         // string: objectRef.name
	K8sAuditAPIGroup      = "vigil.ka.target.api_group"    // string: objectRef.apiGroup ("" is the core group)
	K8sAuditResponseCode  = "vigil.ka.response.code"       // int: responseStatus.code
	K8sAuditAuthDecision  = "vigil.ka.auth.decision"       // string: annotations["authorization.k8s.io/decision"]
	K8sAuditAuthReason    = "vigil.ka.auth.reason"         // string: annotations["authorization.k8s.io/reason"]
	K8sAuditUserAgent     = "vigil.ka.useragent"           // string: userAgent
	K8sAuditSourceIPs     = "vigil.ka.sourceips"           // []string: sourceIPs
	K8sAuditEvent         = "vigil.ka.event"               // string: the whole event as JSON
	K8sAuditReceivedNanos = "vigil.ka.request_received_ts" // int: requestReceivedTimestamp, ns since the epoch
)

// An attribute is absent when the event does not carry the value (a
// RequestReceived event has no responseStatus, a cluster-scoped object no
// namespace); rules then treat the field as not extractable, as Falco does.
