//go:build linux && amd64

package probe

import "testing"

// DeleteDiscarders empties the map of the keys it is given, in one batch,
// and goes on past keys the probe already deleted as stale (the kernel's
// batch delete stops at the first missing key).
func TestDeleteDiscardersBatch(t *testing.T) {
	p := attached(t)
	const n = 3000
	keys := make([]DiscardKey, n)
	for i := range keys {
		keys[i] = DiscardKey{NR: 257, MntNS: 1, Ino: uint64(i + 1), PHash: uint64(i)*7919 + 1, Dev: 42}
		if err := p.PutDiscarder(&keys[i], &DiscardStamp{Gen: 1}); err != nil {
			t.Fatal(err)
		}
	}
	// gone already, as the probe deletes a stale entry: the first, two in
	// the middle next to each other, and the last
	for _, i := range []int{0, 1000, 1001, n - 1} {
		p.DeleteDiscarder(&keys[i])
	}
	keep := DiscardKey{NR: 2, Ino: 99, PHash: 5}
	if err := p.PutDiscarder(&keep, &DiscardStamp{Gen: 1}); err != nil {
		t.Fatal(err)
	}
	if err := p.DeleteDiscarders(keys); err != nil {
		t.Fatal(err)
	}
	var k vigilVgDiscKey
	var v vigilVgDiscVal
	left := 0
	it := p.objs.Discarders.Iterate()
	for it.Next(&k, &v) {
		left++
		if k.Ino != keep.Ino {
			t.Errorf("inode %d still has a discarder", k.Ino)
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if left != 1 {
		t.Errorf("%d entries left, want the 1 not asked for", left)
	}
	if err := p.DeleteDiscarders(nil); err != nil {
		t.Error(err)
	}
}

// BenchmarkRetireDiscarders: deleting a full default map (16,384 entries)
// one syscall per key against one batch, as a reload does.
func BenchmarkRetireDiscarders(b *testing.B) {
	requireRoot(b)
	p, err := Load(Options{CPUsPerRing: 1, RingBytes: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	keys := make([]DiscardKey, 16384)
	for i := range keys {
		keys[i] = DiscardKey{NR: 257, Ino: uint64(i + 1), PHash: uint64(i) + 1}
	}
	fill := func() {
		for i := range keys {
			if err := p.PutDiscarder(&keys[i], &DiscardStamp{Gen: 1}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("per-key", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			fill()
			b.StartTimer()
			for i := range keys {
				p.DeleteDiscarder(&keys[i])
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			fill()
			b.StartTimer()
			if err := p.DeleteDiscarders(keys); err != nil {
				b.Fatal(err)
			}
		}
	})
}
