package auditevent

import (
	"os"
	"strings"
	"testing"
)

func TestDecodeKeepsEachEventsBytes(t *testing.T) {
	doc := []byte(` {"apiVersion":"audit.k8s.io/v1","kind":"EventList","items":[
  {"stage":"ResponseComplete","stageTimestamp":"2026-12-02T07:00:01Z","verb":"get","x":"]}\"{"} ,
  {"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseStarted","stageTimestamp":"2026-12-02T07:00:02.5Z","user":{"username":"a\u00e9"}}
]}`)
	var d Decoder
	evs, err := d.Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	if got := string(evs[0].JSON); got != `{"stage":"ResponseComplete","stageTimestamp":"2026-12-02T07:00:01Z","verb":"get","x":"]}\"{"}` {
		t.Errorf("event 0 JSON %s", got)
	}
	if !strings.HasPrefix(string(evs[1].JSON), `{"kind":"Event"`) || !strings.HasSuffix(string(evs[1].JSON), `"a\u00e9"}}`) {
		t.Errorf("event 1 JSON %s", evs[1].JSON)
	}
	if evs[1].UserName != "aé" || evs[1].StageTime != 1796194802500000000 || evs[0].Verb != "get" {
		t.Errorf("scalars %+v", evs[1])
	}
}

func BenchmarkDecode(b *testing.B) {
	one, err := os.ReadFile("../../testdata/handmade-eventlist.json")
	if err != nil {
		b.Fatal(err)
	}
	s := string(one)
	items := s[strings.Index(s, "[")+1 : strings.LastIndex(s, "]")]
	doc := []byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + strings.Repeat(items+",", 199) + items + "]}")
	var d Decoder
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := d.Decode(doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*400), "ns/event")
}
