package containercache

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/runtimes"
)

func TestCache(t *testing.T) {
	now := time.Unix(1000, 0)
	c := New(2, 30*time.Second, 10*time.Second)
	a, b, d := &runtimes.Container{ID: "a"}, &runtimes.Container{ID: "b"}, &runtimes.Container{ID: "d"}
	if _, known := c.Get("a", now); known {
		t.Fatal("empty cache knows a")
	}
	c.Put(a)
	c.Put(b)
	c.Get("a", now) // b is now the least recently used
	c.Put(d)
	if _, known := c.Get("b", now); known || c.Len() != 2 || c.Evictions() != 1 {
		t.Fatalf("after the bound: b known=%v len=%d evictions=%d", known, c.Len(), c.Evictions())
	}

	// a deleted container stays for the grace period, then goes
	c.Removed("a", now)
	if got, known := c.Get("a", now.Add(29*time.Second)); !known || got != a {
		t.Error("a gone within its grace period")
	}
	if _, known := c.Get("a", now.Add(31*time.Second)); known {
		t.Error("a still there after its grace period")
	}

	// not found is believed for NegativeTTL; a late negative answer never
	// hides what a runtime said; a create event replaces a negative answer
	c.PutNotFound("x", now)
	if got, known := c.Get("x", now.Add(5*time.Second)); !known || got != nil {
		t.Errorf("x: %v %v, want known and nil", got, known)
	}
	c.PutNotFound("d", now)
	if got, _ := c.Get("d", now); got != d {
		t.Error("a negative answer replaced d")
	}
	x := &runtimes.Container{ID: "x"}
	c.Put(x)
	if got, _ := c.Get("x", now); got != x {
		t.Error("the create event did not replace the negative answer")
	}
	c.PutNotFound("y", now)
	c.Sweep(now.Add(11 * time.Second))
	if _, known := c.Get("y", now.Add(11*time.Second)); known {
		t.Error("y survived its TTL")
	}
}
