package logencode

import "testing"

// Every record of the recorded workloads (files, a shadow read, sockets,
// exec with its environment) fits the attribute array attrCapacity sized,
// and every resource the one contextAttrs sized, so none is grown and
// copied while it is built.
func TestAttrCapacityCoversRecords(t *testing.T) {
	b := newBuilder()
	for i := range b.Emit {
		b.Emit[i] = true
	}
	n := 0
	for _, name := range []string{"cat_shadow.bin", "connect.bin"} {
		for _, raw := range samples(t, name) {
			if err := b.Handle(raw, 1); err != nil {
				t.Fatal(err)
			}
		}
		n += b.Take().LogRecordCount()
	}
	if n < 50 {
		t.Fatalf("only %d records", n)
	}
	if b.capShort != 0 {
		t.Errorf("%d records or resources (of %d records) outgrew their attribute capacity", b.capShort, n)
	}
}
