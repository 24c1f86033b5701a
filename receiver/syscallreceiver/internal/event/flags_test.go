package event

import (
	"encoding/binary"
	"testing"
)

// The wire's cut bit and compat flag are decoded, and the cut bit does not
// change which argument a section belongs to.
func TestDecodeTruncatedAndCompat(t *testing.T) {
	raw := make([]byte, hdrSize+secSize+3)
	le := binary.LittleEndian
	le.PutUint16(raw[28:], uint16(len(raw)))
	raw[31] = HdrCompat
	le.PutUint16(raw[hdrSize:], 3)
	raw[hdrSize+2] = SecCwd
	raw[hdrSize+3] = SecTrunc | 0
	copy(raw[hdrSize+secSize:], "d9\x00")
	var r Record
	if err := Decode(raw, &r); err != nil {
		t.Fatal(err)
	}
	if r.Flags&HdrCompat == 0 {
		t.Error("compat flag lost")
	}
	s, ok := r.Find(SecCwd, 0)
	if !ok || !s.Truncated {
		t.Fatalf("section %+v found %v, want a truncated cwd with arg 0", s, ok)
	}
}
