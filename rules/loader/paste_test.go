package loader

import (
	"math/rand"
	"strings"
	"testing"
)

// pasteListFalco is Falco's substitution transcribed step by step (rebuild
// the string at each occurrence, resume after the pasted items). It is
// quadratic, so the loader uses pasteList; this is the oracle it must match.
func pasteListFalco(cnd, name string, items []string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = quoteItem(it)
	}
	sub := strings.Join(q, ", ")
	start := strings.Index(cnd, name)
	for start >= 0 {
		end := start + len(name)
		if (start == 0 || isPasteDelim(cnd[start-1])) && (end >= len(cnd) || isPasteDelim(cnd[end])) {
			for start > 0 && isPasteBlank(cnd[start-1]) {
				start--
			}
			for end < len(cnd) && isPasteBlank(cnd[end]) {
				end++
			}
			if sub == "" {
				if start > 0 && cnd[start-1] == ',' {
					start--
				} else if end < len(cnd) && cnd[end] == ',' {
					end++
				}
			}
			n := ""
			if start > 0 {
				n = cnd[:start] + " "
			}
			cnd = n + sub + " " + cnd[end:]
			start += len(sub) + 1
		}
		if start+1 > len(cnd) {
			break
		}
		k := strings.Index(cnd[start+1:], name)
		if k < 0 {
			break
		}
		start += 1 + k
	}
	return cnd
}

func TestPasteListMatchesFalco(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"l", "l", "la", "a", " ", " ", ",", "(", ")", "=", "\t", "\n", "x", `"`}
	itemSets := [][]string{nil, {"a"}, {"a", "b"}, {"a b"}, {`"q" `}, {"t\t"}, {"l"}, {"", ""}, {"x,"}}
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n > 0; n-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		in := b.String()
		name := []string{"l", "la", "a"}[rng.Intn(3)]
		items := itemSets[rng.Intn(len(itemSets))]
		want := pasteListFalco(in, name, items)
		got, _ := pasteList(scalarText(nil, in), name, items)
		if got.s != want {
			t.Fatalf("pasteList(%q, %q, %q) = %q, Falco gives %q", in, name, items, got.s, want)
		}
		if len(got.spans) > 0 {
			_ = got.pos(len(got.s))
		}
	}
}
