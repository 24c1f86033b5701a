package fields

import (
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/vigil-sec/vigil/eventattr"
)

// Fields of the k8s_audit source: Falco's k8saudit plugin (ka.*) and the
// json plugin's jevt.* on Kubernetes audit events. The scalars most rules
// test are typed record attributes (eventattr/k8saudit.go) and read like any
// syscall field; the rest come from the event's JSON (KeyKAEvent), which an
// Event exposes through DocEvent and parses at most once.

// Keys of k8s_audit records.
var (
	KeyKAAuditID      = rec(eventattr.K8sAuditID)
	KeyKAStage        = rec(eventattr.K8sAuditStage)
	KeyKAVerb         = rec(eventattr.K8sAuditVerb)
	KeyKAURI          = rec(eventattr.K8sAuditURI)
	KeyKAUserName     = rec(eventattr.K8sAuditUserName)
	KeyKAUserGroups   = rec(eventattr.K8sAuditUserGroups)
	KeyKAImpUserName  = rec(eventattr.K8sAuditImpUserName)
	KeyKAResource     = rec(eventattr.K8sAuditResource)
	KeyKASubresource  = rec(eventattr.K8sAuditSubresource)
	KeyKANamespace    = rec(eventattr.K8sAuditNamespace)
	KeyKAName         = rec(eventattr.K8sAuditName)
	KeyKAResponseCode = rec(eventattr.K8sAuditResponseCode)
	KeyKAAuthDecision = rec(eventattr.K8sAuditAuthDecision)
	KeyKAAuthReason   = rec(eventattr.K8sAuditAuthReason)
	KeyKAUserAgent    = rec(eventattr.K8sAuditUserAgent)
	KeyKASourceIPs    = rec(eventattr.K8sAuditSourceIPs)
	KeyKAEvent        = rec(eventattr.K8sAuditEvent)
)

// SourceK8sAudit is the source of the fields in this file.
const SourceK8sAudit = eventattr.SourceK8sAudit

// DocEvent is implemented by events that carry a JSON document (k8s audit
// events). Doc returns the document of the current event, or nil when the
// event has none; the Doc stays valid until the event moves on.
type DocEvent interface {
	Doc() *Doc
}

// Doc is one event's JSON document, parsed on first use. Values read from it
// alias its parser's memory and its arena, so they are valid only until the
// next Reset; accessors copy what outputs keep. A Doc is reused from event
// to event by one goroutine.
type Doc struct {
	raw    string
	parsed bool
	root   *fastjson.Value
	p      fastjson.Parser
	// arena holds list elements rendered from non-string JSON values.
	arena []byte
}

// Reset points the Doc at the next event's JSON text without parsing it.
func (d *Doc) Reset(raw string) {
	d.raw, d.parsed, d.root = raw, false, nil
	d.arena = d.arena[:0]
}

// Root parses the document on first use; nil when it is not valid JSON.
func (d *Doc) Root() *fastjson.Value {
	if !d.parsed {
		d.parsed = true
		if v, err := d.p.Parse(d.raw); err == nil {
			d.root = v
		}
	}
	return d.root
}

// docKind says how a document field derives its values.
type docKind uint8

const (
	// docValue: the value at path; a string as is, anything else as JSON.
	docValue docKind = iota
	// docList: every element of the array at path.
	docList
	// docEach: for every element of the array at path, the value at sub;
	// elements without it are skipped.
	docEach
	// docFlat: for every element of the array at path, every element of
	// the array at sub, in order.
	docFlat
	// docRepo: docEach of the image, without tag or digest.
	docRepo
	// docFirst, docFirstRepo: element 0 of docEach / docRepo.
	docFirst
	docFirstRepo
	// docAnyTrue: "true" when any element has true at sub, else "false".
	docAnyTrue
	// docHostPorts: every port's hostPort, or its containerPort when it has
	// none (with hostNetwork they are the same port on the host).
	docHostPorts
	// docEffective: the value at sub of every container, else the pod's
	// value at pod, else "0": the id the container really runs as.
	docEffective
	// docVolumeTypes: the keys of every volume other than "name".
	docVolumeTypes
	// docHostPathIs: ka.req.volume.hostpath[P]: "true" when a hostPath
	// volume has path P, or starts with P minus a trailing "*".
	docHostPathIs
	// docPointer: jevt.value[/json/pointer].
	docPointer
	// docURIParam: one query parameter of ka.uri.
	docURIParam
	// docIntText: the integer attribute key as decimal text (Falco types
	// ka.response.code as a string).
	docIntText
	// docConstTrue: always "true" (ka.req.binding.subject.has_name).
	docConstTrue
)

// DocRead describes a field read from the event's JSON document.
type DocRead struct {
	kind      docKind
	path, sub []string
	pod       []string
	key       Key
}

func split(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

func docField(name string, list bool, kind docKind, path, sub, desc string) *Field {
	f := &Field{Name: name, Type: String, List: list, Keys: keys(KeyKAEvent),
		Doc: &DocRead{kind: kind, path: split(path), sub: split(sub)}, Desc: desc, NoRHS: true}
	if list {
		f.Arg = ArgIndex
	}
	return f
}

func kaField(name string, k Key, desc string) *Field {
	return &Field{Name: name, Type: String, Keys: keys(k), Desc: desc}
}

// containerFields are the per-container fields, for containers,
// initContainers and ephemeralContainers alike.
func containerFields(kind string) []*Field {
	pre := "ka.req.pod." + kind
	path := "requestObject.spec." + kind
	what := "every " + map[string]string{"containers": "container", "initContainers": "init container",
		"ephemeralContainers": "ephemeral container"}[kind]
	eff := func(name, id, desc string) *Field {
		f := docField(pre+"."+name, true, docEffective, path, "securityContext."+id, desc)
		f.Doc.pod = split("requestObject.spec.securityContext." + id)
		return f
	}
	return []*Field{
		docField(pre+".image", true, docEach, path, "image", "image of "+what+" of a created pod"),
		docField(pre+".image.repository", true, docRepo, path, "image", "image repository (no tag or digest) of "+what),
		docField(pre+".host_port", true, docHostPorts, path, "ports", "host ports of "+what+" (the container port when no host port is set)"),
		docField(pre+".privileged", true, docEach, path, "securityContext.privileged", "privileged flag of "+what+" that sets it"),
		docField(pre+".allow_privilege_escalation", true, docEach, path, "securityContext.allowPrivilegeEscalation", "allowPrivilegeEscalation of "+what+" that sets it"),
		docField(pre+".read_only_fs", true, docEach, path, "securityContext.readOnlyRootFilesystem", "readOnlyRootFilesystem of "+what+" that sets it"),
		docField(pre+".run_as_user", true, docEach, path, "securityContext.runAsUser", "runAsUser of "+what+" that sets it"),
		eff("eff_run_as_user", "runAsUser", "uid "+what+" runs as: its runAsUser, else the pod's, else 0"),
		docField(pre+".run_as_group", true, docEach, path, "securityContext.runAsGroup", "runAsGroup of "+what+" that sets it"),
		eff("eff_run_as_group", "runAsGroup", "gid "+what+" runs as: its runAsGroup, else the pod's, else 0"),
		docField(pre+".proc_mount", true, docEach, path, "securityContext.procMount", "procMount of "+what+" that sets it"),
		docField(pre+".add_capabilities", true, docFlat, path, "securityContext.capabilities.add", "capabilities added by "+what+", one value per capability"),
	}
}

func k8sAuditFields() []*Field {
	fs := []*Field{
		kaField("ka.auditid", KeyKAAuditID, "unique id of the audit event"),
		kaField("ka.stage", KeyKAStage, "stage of the request: RequestReceived, ResponseStarted, ResponseComplete, Panic"),
		kaField("ka.auth.decision", KeyKAAuthDecision, "authorization decision (allow, forbid)"),
		kaField("ka.auth.reason", KeyKAAuthReason, "authorization reason"),
		kaField("ka.user.name", KeyKAUserName, "user who made the request"),
		{Name: "ka.user.groups", Type: String, List: true, Keys: keys(KeyKAUserGroups), Desc: "groups of the user"},
		kaField("ka.impuser.name", KeyKAImpUserName, "impersonated user"),
		kaField("ka.verb", KeyKAVerb, "action: get, list, watch, create, update, patch, delete, ..."),
		kaField("ka.uri", KeyKAURI, "request URI as the client sent it"),
		{Name: "ka.uri.param", Type: String, Arg: ArgKey, ArgRequired: true, Keys: keys(KeyKAURI), NoRHS: true,
			Doc: &DocRead{kind: docURIParam, key: KeyKAURI}, Desc: "[NAME] is the first value of the query parameter NAME of the URI"},
		kaField("ka.target.name", KeyKAName, "name of the target object"),
		kaField("ka.target.namespace", KeyKANamespace, "namespace of the target object"),
		kaField("ka.target.resource", KeyKAResource, "resource of the target object (pods, configmaps, ...)"),
		kaField("ka.target.subresource", KeyKASubresource, "subresource of the target object (exec, attach, ...)"),
		docField("ka.req.binding.subjects", true, docList, "requestObject.subjects", "", "subjects of a created (cluster) role binding, as JSON"),
		docField("ka.req.binding.role", false, docValue, "requestObject.roleRef.name", "", "role a created (cluster) role binding refers to"),
		{Name: "ka.req.binding.subject.has_name", Type: String, Arg: ArgKey, ArgRequired: true, NoRHS: true, Keys: keys(KeyKAEvent),
			Doc: &DocRead{kind: docConstTrue}, Desc: "deprecated; always true, as in Falco"},
		kaField("ka.req.configmap.name", KeyKAName, "name of a configmap the request is about"),
		docField("ka.req.configmap.obj", false, docValue, "requestObject.data", "", "data of a created or changed configmap, as JSON"),
		docField("ka.req.container.image", false, docFirst, "requestObject.spec.containers", "image", "deprecated: image of the first container"),
		docField("ka.req.container.image.repository", false, docFirstRepo, "requestObject.spec.containers", "image", "deprecated: image repository of the first container"),
		docField("ka.req.pod.host_ipc", false, docValue, "requestObject.spec.hostIPC", "", "hostIPC of a created pod"),
		docField("ka.req.pod.host_network", false, docValue, "requestObject.spec.hostNetwork", "", "hostNetwork of a created pod"),
		docField("ka.req.container.host_network", false, docValue, "requestObject.spec.hostNetwork", "", "deprecated alias of ka.req.pod.host_network"),
		docField("ka.req.pod.host_pid", false, docValue, "requestObject.spec.hostPID", "", "hostPID of a created pod"),
		docField("ka.req.container.privileged", false, docAnyTrue, "requestObject.spec.containers", "securityContext.privileged", "deprecated: true when any container is privileged"),
		docField("ka.req.pod.run_as_user", false, docValue, "requestObject.spec.securityContext.runAsUser", "", "runAsUser of the pod's security context"),
		docField("ka.req.pod.run_as_group", false, docValue, "requestObject.spec.securityContext.runAsGroup", "", "runAsGroup of the pod's security context"),
		docField("ka.req.pod.fs_group", false, docValue, "requestObject.spec.securityContext.fsGroup", "", "fsGroup of the pod's security context"),
		docField("ka.req.pod.supplemental_groups", true, docList, "requestObject.spec.securityContext.supplementalGroups", "", "supplementalGroups of the pod's security context"),
		docField("ka.req.role.rules", true, docList, "requestObject.rules", "", "rules of a created (cluster) role, each as JSON"),
		docField("ka.req.role.rules.apiGroups", true, docFlat, "requestObject.rules", "apiGroups", "API groups of the role's rules"),
		docField("ka.req.role.rules.nonResourceURLs", true, docFlat, "requestObject.rules", "nonResourceURLs", "non-resource URLs of the role's rules"),
		docField("ka.req.role.rules.verbs", true, docFlat, "requestObject.rules", "verbs", "verbs of the role's rules"),
		docField("ka.req.role.rules.resources", true, docFlat, "requestObject.rules", "resources", "resources of the role's rules"),
		docField("ka.req.service.type", false, docValue, "requestObject.spec.type", "", "type of a created service"),
		docField("ka.req.service.ports", true, docList, "requestObject.spec.ports", "", "ports of a created service, each as JSON"),
		docField("ka.req.pod.volumes.hostpath", true, docEach, "requestObject.spec.volumes", "hostPath.path", "hostPath paths of the pod's volumes"),
		{Name: "ka.req.volume.hostpath", Type: String, Arg: ArgKey, ArgRequired: true, NoRHS: true, Keys: keys(KeyKAEvent),
			Doc:  &DocRead{kind: docHostPathIs, path: split("requestObject.spec.volumes"), sub: split("hostPath.path")},
			Desc: "deprecated: [PATH] is true when a hostPath volume has PATH (PATH* for a prefix)"},
		docField("ka.req.pod.volumes.flexvolume_driver", true, docEach, "requestObject.spec.volumes", "flexVolume.driver", "flexVolume drivers of the pod's volumes"),
		docField("ka.req.pod.volumes.volume_type", true, docVolumeTypes, "requestObject.spec.volumes", "", "volume types (hostPath, secret, ...) of the pod's volumes"),
		docField("ka.resp.name", false, docValue, "responseObject.metadata.name", "", "name of the response object"),
		{Name: "ka.response.code", Type: String, Keys: keys(KeyKAResponseCode), Doc: &DocRead{kind: docIntText, key: KeyKAResponseCode},
			Desc: "HTTP status code of the response, as text"},
		docField("ka.response.reason", false, docValue, "responseStatus.reason", "", "reason of the response status (usually only on failures)"),
		kaField("ka.useragent", KeyKAUserAgent, "user agent of the client"),
		{Name: "ka.sourceips", Type: String, List: true, Keys: keys(KeyKASourceIPs), Desc: "client addresses of the request"},

		{Name: "jevt.time", Type: AbsTime, Extract: Time, Desc: "event timestamp (stageTimestamp); printed as local time of day with nanoseconds"},
		{Name: "jevt.time.iso8601", Type: AbsTime, Extract: Time, Desc: "event timestamp printed as ISO 8601 UTC"},
		{Name: "jevt.rawtime", Type: Int, Extract: Time, Desc: "event timestamp in ns since the epoch"},
		{Name: "jevt.value", Type: String, Arg: ArgKey, ArgRequired: true, NoRHS: true, Keys: keys(KeyKAEvent), Doc: &DocRead{kind: docPointer},
			Desc: "[/json/pointer] is the event's value at that JSON pointer (RFC 6901); strings as is, anything else as JSON"},
		{Name: "jevt.obj", Type: String, Keys: keys(KeyKAEvent), Desc: "the whole event as JSON"},
	}
	for _, kind := range []string{"containers", "initContainers", "ephemeralContainers"} {
		fs = append(fs, containerFields(kind)...)
	}
	return fs
}

// k8sAuditNames marks the fields of the k8s_audit source.
var k8sAuditNames = map[string]bool{}

func init() {
	for _, f := range k8sAuditFields() {
		if byName[f.Name] != nil {
			panic("fields: duplicate field " + f.Name)
		}
		registry = append(registry, f)
		byName[f.Name] = f
		k8sAuditNames[f.Name] = true
	}
}

// SourceOf is the event source whose events a field reads: "k8s_audit" for
// ka.* and jevt.*, "syscall" for every other field.
func SourceOf(f *Field) string {
	if k8sAuditNames[f.Name] {
		return eventattr.SourceK8sAudit
	}
	return eventattr.SourceSyscall
}

// pointerKeys serves the JSON pointers that name a typed attribute without
// parsing the document: "kevt", in every upstream rule, is a /stage check.
var pointerKeys = map[string]Key{
	"/stage": KeyKAStage, "/verb": KeyKAVerb, "/requestURI": KeyKAURI, "/auditID": KeyKAAuditID,
	"/user/username": KeyKAUserName, "/impersonatedUser/username": KeyKAImpUserName,
	"/objectRef/resource": KeyKAResource, "/objectRef/subresource": KeyKASubresource,
	"/objectRef/namespace": KeyKANamespace, "/objectRef/name": KeyKAName, "/userAgent": KeyKAUserAgent,
}

// docAccess is the part of an Accessor that reads the document.
type docAccess struct {
	r     *DocRead
	path  []string // the pointer's segments, for docPointer
	param string   // query parameter, for docURIParam; path for docHostPathIs
	fast  Key      // typed attribute serving a pointer, when fastOK
	fast2 bool
}

// parsePointer splits an RFC 6901 JSON pointer into unescaped segments.
func parsePointer(p string) ([]string, bool) {
	if p == "" {
		return nil, true
	}
	if p[0] != '/' {
		return nil, false
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		if strings.Contains(s, "~") {
			for j := 0; j < len(s); j++ {
				if s[j] == '~' && (j+1 == len(s) || (s[j+1] != '0' && s[j+1] != '1')) {
					return nil, false
				}
			}
			segs[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		}
	}
	return segs, true
}

// newDocAccessor builds the accessor of a document field.
func newDocAccessor(f *Field, arg string, hasArg bool) (*Accessor, error) {
	a := &Accessor{f: f, arg: arg, hasArg: hasArg, idx: -1, j: &docAccess{r: f.Doc}}
	switch {
	case f.ArgRequired && (!hasArg || arg == ""):
		return nil, fmt.Errorf("field %s requires an argument", f.Name)
	case hasArg && f.Arg == ArgNone:
		return nil, fmt.Errorf("field %s does not take an argument", f.Name)
	}
	switch f.Doc.kind {
	case docPointer:
		segs, ok := parsePointer(arg)
		if !ok {
			return nil, fmt.Errorf("field %s: %q is not a JSON pointer (RFC 6901: empty, or /segment/...)", f.Name, arg)
		}
		a.j.path = segs
		if k, ok := pointerKeys[arg]; ok {
			a.j.fast, a.j.fast2 = k, true
		}
	case docURIParam, docHostPathIs:
		a.j.param = arg
	}
	if f.List {
		a.shape = ListOf
		if hasArg {
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("field %s: argument %q is not a non-negative index", f.Name, arg)
			}
			// One element of the list is a single value.
			a.idx, a.shape = n, Single
		}
	}
	return a, nil
}

// doc returns the event's parsed document, or nil.
func doc(ev Event) *Doc {
	de, ok := ev.(DocEvent)
	if !ok {
		return nil
	}
	d := de.Doc()
	if d == nil {
		return nil
	}
	return d
}

// text renders a JSON value as Falco's k8saudit plugin does: a string as
// is, anything else as its JSON text. sc (when set) or the Doc's arena holds
// the copy: JSON strings alias the parser, which the next event reuses.
func text(v *fastjson.Value, d *Doc, sc *Scratch) string {
	if sc != nil {
		m := sc.Mark()
		sc.B = appendText(sc.B, v)
		return sc.String(m)
	}
	if v.Type() == fastjson.TypeString {
		b, _ := v.StringBytes()
		return bytesString(b)
	}
	m := len(d.arena)
	d.arena = v.MarshalTo(d.arena)
	return bytesString(d.arena[m:])
}

// bytesString views b as a string without copying; b must not change while
// the string is in use (parser and arena memory is only reused by Reset).
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func appendText(dst []byte, v *fastjson.Value) []byte {
	if v.Type() == fastjson.TypeString {
		b, _ := v.StringBytes()
		return append(dst, b...)
	}
	return v.MarshalTo(dst)
}

// repository strips the tag and digest off an image reference, keeping a
// registry port ("host:5000/app:1" is "host:5000/app").
func repository(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	slash := strings.LastIndexByte(image, '/')
	if i := strings.LastIndexByte(image, ':'); i > slash {
		image = image[:i]
	}
	return image
}

// str reads a single value.
func (j *docAccess) str(a *Accessor, ev Event, sc *Scratch) (string, bool) {
	r := j.r
	switch r.kind {
	case docConstTrue:
		return "true", true
	case docIntText:
		n, ok := ev.Int(r.key)
		if !ok || sc == nil {
			return "", false
		}
		m := sc.Mark()
		sc.B = strconv.AppendInt(sc.B, n, 10)
		return sc.String(m), true
	case docURIParam:
		uri, ok := ev.Str(r.key)
		if !ok {
			return "", false
		}
		return queryParam(uri, j.param, sc)
	case docPointer:
		if j.fast2 {
			if s, ok := ev.Str(j.fast); ok {
				return s, true
			}
		}
	}
	if a.shape == Single && a.idx >= 0 {
		return j.at(ev, a.idx, sc)
	}
	d := doc(ev)
	if d == nil {
		return "", false
	}
	root := d.Root()
	if root == nil {
		return "", false
	}
	switch r.kind {
	case docValue:
		v := root.Get(r.path...)
		if v == nil {
			return "", false
		}
		return text(v, d, sc), true
	case docPointer:
		v := root.Get(j.path...)
		if v == nil {
			return "", false
		}
		return text(v, d, sc), true
	case docFirst, docFirstRepo:
		arr := root.GetArray(r.path...)
		if len(arr) == 0 {
			return "", false
		}
		v := arr[0].Get(r.sub...)
		if v == nil {
			return "", false
		}
		s := text(v, d, sc)
		if r.kind == docFirstRepo {
			s = repository(s)
		}
		return s, true
	case docAnyTrue:
		arr := root.GetArray(r.path...)
		if arr == nil {
			return "", false
		}
		for _, c := range arr {
			if v := c.Get(r.sub...); v != nil && v.Type() == fastjson.TypeTrue {
				return "true", true
			}
		}
		return "false", true
	case docHostPathIs:
		arr := root.GetArray(r.path...)
		if arr == nil {
			return "", false
		}
		want, prefix := j.param, false
		if strings.HasSuffix(want, "*") {
			want, prefix = want[:len(want)-1], true
		}
		for _, vol := range arr {
			b := vol.GetStringBytes(r.sub...)
			if b == nil {
				continue
			}
			if string(b) == j.param || (prefix && strings.HasPrefix(string(b), want)) {
				return "true", true
			}
		}
		return "false", true
	}
	return "", false
}

// queryParam returns the first value of query parameter name in uri,
// decoded; sc receives a decoded copy when decoding changes it.
func queryParam(uri, name string, sc *Scratch) (string, bool) {
	i := strings.IndexByte(uri, '?')
	if i < 0 {
		return "", false
	}
	q := uri[i+1:]
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		k, v, _ := strings.Cut(kv, "=")
		if dk, err := unescapeQuery(k); err != nil || dk != name {
			continue
		}
		if !strings.ContainsAny(v, "%+") {
			return v, true
		}
		dv, err := unescapeQuery(v)
		if err != nil {
			return "", false
		}
		if sc == nil {
			return dv, true
		}
		m := sc.Mark()
		sc.B = append(sc.B, dv...)
		return sc.String(m), true
	}
	return "", false
}

// unescapeQuery decodes %XX and + of a query component; it allocates only
// when there is something to decode.
func unescapeQuery(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) {
				return "", fmt.Errorf("bad escape")
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", fmt.Errorf("bad escape")
			}
			b.WriteByte(hi<<4 | lo)
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// values calls fn for each value of a list field, in order, until fn
// returns false. Values alias the Doc (parser or arena).
func (j *docAccess) values(d *Doc, fn func(s string) bool) bool {
	root := d.Root()
	if root == nil {
		return false
	}
	r := j.r
	arr := root.GetArray(r.path...)
	if arr == nil {
		return false
	}
	switch r.kind {
	case docList:
		for _, v := range arr {
			if !fn(text(v, d, nil)) {
				break
			}
		}
	case docEach, docRepo:
		for _, c := range arr {
			v := c.Get(r.sub...)
			if v == nil {
				continue
			}
			s := text(v, d, nil)
			if r.kind == docRepo {
				s = repository(s)
			}
			if !fn(s) {
				break
			}
		}
	case docFlat:
	outer:
		for _, c := range arr {
			for _, v := range c.GetArray(r.sub...) {
				if !fn(text(v, d, nil)) {
					break outer
				}
			}
		}
	case docHostPorts:
	ports:
		for _, c := range arr {
			for _, p := range c.GetArray(r.sub...) {
				v := p.Get("hostPort")
				if v == nil {
					v = p.Get("containerPort")
				}
				if v != nil && !fn(text(v, d, nil)) {
					break ports
				}
			}
		}
	case docEffective:
		def := "0"
		if v := root.Get(r.pod...); v != nil {
			def = text(v, d, nil)
		}
		for _, c := range arr {
			s := def
			if v := c.Get(r.sub...); v != nil {
				s = text(v, d, nil)
			}
			if !fn(s) {
				break
			}
		}
	case docVolumeTypes:
	vols:
		for _, c := range arr {
			o, err := c.Object()
			if err != nil {
				continue
			}
			stop := false
			o.Visit(func(k []byte, _ *fastjson.Value) {
				if stop || string(k) == "name" {
					return
				}
				if !fn(bytesString(k)) {
					stop = true
				}
			})
			if stop {
				break vols
			}
		}
	default:
		return false
	}
	return true
}

// length is Len of a list field.
func (j *docAccess) length(ev Event) (int, bool) {
	d := doc(ev)
	if d == nil {
		return 0, false
	}
	n := 0
	ok := j.values(d, func(string) bool { n++; return true })
	return n, ok
}

// at is element i of a list field.
func (j *docAccess) at(ev Event, i int, sc *Scratch) (string, bool) {
	d := doc(ev)
	if d == nil || i < 0 {
		return "", false
	}
	var out string
	found := false
	n := 0
	j.values(d, func(s string) bool {
		if n == i {
			out, found = s, true
			return false
		}
		n++
		return true
	})
	if found && sc != nil {
		m := sc.Mark()
		sc.B = append(sc.B, out...)
		out = sc.String(m)
	}
	return out, found
}
