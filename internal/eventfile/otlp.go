package eventfile

import (
	"bufio"
	"bytes"
	"fmt"

	"go.opentelemetry.io/collector/pdata/plog"
)

// readOTLP reads the file exporter's JSON: one ExportLogsServiceRequest per
// line. Records that are not events of a known source are skipped.
func readOTLP(path string, b []byte) ([]*Event, error) {
	var out []*Event
	var u plog.JSONUnmarshaler
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<20), 256<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		ld, err := u.UnmarshalLogs(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: not OTLP JSON logs: %v", path, line, err)
		}
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				lrs := rl.ScopeLogs().At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					lr := lrs.At(k)
					src := sourceOfName(lr.EventName())
					if src == "" {
						continue
					}
					out = append(out, &Event{File: path, Index: len(out) + 1, Line: line, Source: src, record: lr, res: rl})
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", path, line+1, err)
	}
	return out, nil
}
