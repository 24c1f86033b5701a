package condition

// Operator is a comparison operator.
type Operator uint8

const (
	OpInvalid Operator = iota
	OpEq               // = and ==
	OpNe               // !=
	OpLt
	OpLe
	OpGt
	OpGe
	OpContains
	OpIContains
	OpBContains
	OpStartsWith
	OpBStartsWith
	OpEndsWith
	OpGlob
	OpIGlob
	OpRegex
	OpIn
	OpIntersects
	OpPmatch
	OpExists
)

var opNames = [...]string{
	OpEq: "=", OpNe: "!=", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=",
	OpContains: "contains", OpIContains: "icontains", OpBContains: "bcontains",
	OpStartsWith: "startswith", OpBStartsWith: "bstartswith", OpEndsWith: "endswith",
	OpGlob: "glob", OpIGlob: "iglob", OpRegex: "regex",
	OpIn: "in", OpIntersects: "intersects", OpPmatch: "pmatch", OpExists: "exists",
}

func (o Operator) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return "invalid"
}

// IsList reports whether the operator takes a list on its right side.
func (o Operator) IsList() bool { return o == OpIn || o == OpIntersects || o == OpPmatch }

// Modifier is the oneof/anyof/allof form of a string operator.
type Modifier uint8

const (
	ModNone Modifier = iota
	ModOneOf
	ModAnyOf
	ModAllOf
)

func (m Modifier) String() string {
	switch m {
	case ModOneOf:
		return "oneof"
	case ModAnyOf:
		return "anyof"
	case ModAllOf:
		return "allof"
	}
	return ""
}

// Transformer names a field transformer.
type Transformer uint8

const (
	TrInvalid Transformer = iota
	TrToLower
	TrToUpper
	TrB64
	TrBasename
	TrLen
	TrJoin
	TrConcat
	TrGetopt
)

var trNames = [...]string{
	TrToLower: "tolower", TrToUpper: "toupper", TrB64: "b64", TrBasename: "basename",
	TrLen: "len", TrJoin: "join", TrConcat: "concat", TrGetopt: "getopt",
}

func (t Transformer) String() string {
	if int(t) < len(trNames) && trNames[t] != "" {
		return trNames[t]
	}
	return "invalid"
}
