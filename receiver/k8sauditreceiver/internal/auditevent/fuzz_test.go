package auditevent

import (
	"os"
	"testing"

	"github.com/valyala/fastjson"
)

// FuzzDecode: any body decodes to events or an error, never a panic; the
// events of an accepted body carry valid JSON that decodes again, alone, to
// the same scalars.
func FuzzDecode(f *testing.F) {
	for _, p := range []string{"../../testdata/handmade-eventlist.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","stageTimestamp":"2026-12-02T07:00:01Z"}`))
	f.Add([]byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"stage":"x","stageTimestamp":"2026-12-02T07:00:01.5+02:00","user":{"groups":["a","b\u0000"]}}]}`))
	f.Add([]byte(" {\"it\\u0065ms\" : [ {\"stage\":\"a\",\"stageTimestamp\":\"2026-12-02T07:00:01Z\",\"x\":[1,{\"y\":\"]}\\\"\"}]} ] ,\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\"}\n"))
	var d, again Decoder
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := d.Decode(body)
		if err != nil {
			if events != nil {
				t.Fatal("events returned with an error")
			}
			return
		}
		for i := range events {
			e := &events[i]
			if err := fastjson.ValidateBytes(e.JSON); err != nil {
				t.Fatalf("event %d JSON invalid: %v\n%s", i, err, e.JSON)
			}
			v, err := fastjson.ParseBytes(e.JSON)
			if err != nil || v.Type() != fastjson.TypeObject {
				t.Fatalf("event %d JSON not an object", i)
			}
			o, _ := v.Object()
			o.Del("kind")
			o.Del("apiVersion")
			single := append([]byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[`), v.MarshalTo(nil)...)
			single = append(single, "]}"...)
			ev2, err := again.Decode(single)
			if err != nil || len(ev2) != 1 {
				t.Fatalf("event %d does not decode again: %v\n%s", i, err, single)
			}
			if ev2[0].Stage != e.Stage || ev2[0].StageTime != e.StageTime || ev2[0].UserName != e.UserName ||
				len(ev2[0].UserGroups) != len(e.UserGroups) || ev2[0].ResponseCode != e.ResponseCode {
				t.Fatalf("event %d decodes differently again: %+v vs %+v", i, ev2[0], *e)
			}
		}
	})
}
