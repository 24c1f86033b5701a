package auditevent

import "strconv"

// itemSpans returns the byte ranges of the elements of the top-level
// "items" array of doc, in order. doc must already be known to be a valid
// JSON object (the parser checked it); the scan only tracks strings and
// nesting. Keeping each event's bytes as they came, rather than
// re-serialising the parsed tree, is both cheaper and exact.
func itemSpans(doc []byte, dst [][2]int) [][2]int {
	i := skipWS(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return dst
	}
	i++
	for {
		i = skipWS(doc, i)
		if i >= len(doc) || doc[i] == '}' {
			return dst
		}
		if doc[i] == ',' {
			i++
			continue
		}
		// A key.
		ks := i
		i = skipString(doc, i)
		key := doc[ks:i]
		i = skipWS(doc, i)
		i++ // ':'
		i = skipWS(doc, i)
		if isKey(key, "items") && i < len(doc) && doc[i] == '[' {
			i++
			for {
				i = skipWS(doc, i)
				if i >= len(doc) || doc[i] == ']' {
					break
				}
				if doc[i] == ',' {
					i++
					continue
				}
				s := i
				i = skipValue(doc, i)
				dst = append(dst, [2]int{s, i})
			}
			i++
			continue
		}
		i = skipValue(doc, i)
	}
}

func isKey(raw []byte, want string) bool {
	if string(raw) == `"`+want+`"` {
		return true
	}
	for _, c := range raw {
		if c == '\\' {
			u, err := strconv.Unquote(string(raw))
			return err == nil && u == want
		}
	}
	return false
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString skips the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	i++
	for i < len(b) {
		switch b[i] {
		case '\\':
			i += 2
			continue
		case '"':
			return i + 1
		}
		i++
	}
	return i
}

// skipValue skips one value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	// A number, true, false or null.
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\t' && b[i] != '\r' {
		i++
	}
	return i
}
