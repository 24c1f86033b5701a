package k8sauditreceiver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/auditevent"
)

// position is where the follower is: the file (by inode, as the path moves
// on rotation) and the offset of the first line not yet handed on.
type position struct {
	Dev    uint64 `json:"dev"`
	Inode  uint64 `json:"inode"`
	Offset int64  `json:"offset"`
}

const positionKey = "position"

// follower reads the apiserver's JSON-lines audit log (its log backend,
// --audit-log-format=json): one Event per line. It hands lines on in
// batches, records the offset after each accepted batch in the storage
// client, and survives rotation (the apiserver renames audit.log and opens a
// new one): the rest of the renamed file is read before the new one, and
// before it any other file renamed since (nextRotated). On start it resumes
// at the stored position, in the renamed file when the rotation happened
// while the collector was down, so a restart neither re-reads nor skips.
type follower struct {
	r      *k8sAuditReceiver
	path   string
	poll   time.Duration
	batch  int
	client storage.Client
	dec    auditevent.Decoder
}

func fileID(fi os.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), st.Ino //nolint:unconvert // Dev is not uint64 on every platform
	}
	return 0, 0
}

func (f *follower) load(ctx context.Context) (position, bool) {
	if f.client == nil {
		return position{}, false
	}
	b, err := f.client.Get(ctx, positionKey)
	if err != nil || b == nil {
		return position{}, false
	}
	var p position
	if json.Unmarshal(b, &p) != nil {
		return position{}, false
	}
	return p, true
}

func (f *follower) save(ctx context.Context, p position) error {
	if f.client == nil {
		return nil
	}
	b, _ := json.Marshal(p)
	return f.client.Set(ctx, positionKey, b)
}

// findByInode looks for the file with this identity among the path's
// siblings: where a rotation moved the file being read.
func findByInode(path string, dev, ino uint64) string {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return ""
	}
	for _, e := range entries {
		p := filepath.Join(filepath.Dir(path), e.Name())
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			if d, i := fileID(fi); d == dev && i == ino {
				return p
			}
		}
	}
	return ""
}

// run follows the file until ctx ends.
func (f *follower) run(ctx context.Context) {
	pos, resumed := f.load(ctx)
	var file *os.File
	var cur position
	open := func(p string, offset int64) bool {
		fl, err := os.Open(p)
		if err != nil {
			return false
		}
		fi, err := fl.Stat()
		if err != nil {
			fl.Close()
			return false
		}
		if offset > fi.Size() { // truncated while we were away
			offset = 0
		}
		if _, err := fl.Seek(offset, io.SeekStart); err != nil {
			fl.Close()
			return false
		}
		dev, ino := fileID(fi)
		file, cur = fl, position{Dev: dev, Inode: ino, Offset: offset}
		return true
	}
	defer func() {
		if file != nil {
			file.Close()
		}
	}()
	if resumed {
		if fi, err := os.Stat(f.path); err == nil {
			if d, i := fileID(fi); d == pos.Dev && i == pos.Inode {
				open(f.path, pos.Offset)
			}
		}
		if file == nil {
			if old := findByInode(f.path, pos.Dev, pos.Inode); old != "" {
				f.r.set.Logger.Info("resuming in the rotated audit log", zap.String("file", old), zap.Int64("offset", pos.Offset))
				open(old, pos.Offset)
			}
		}
	}
	var rd *bufio.Reader
	var partial []byte
	drained := false
	lines := make([][]byte, 0, f.batch)
	var buf []byte
	tick := time.NewTicker(f.poll)
	defer tick.Stop()
	next := "" // the rotated file to read after the one just finished
	for {
		if file == nil {
			if (next != "" && open(next, 0)) || open(f.path, 0) {
				rd, partial = bufio.NewReaderSize(file, 256<<10), partial[:0]
			}
			next = ""
		} else if rd == nil {
			rd = bufio.NewReaderSize(file, 256<<10)
		}
		if file != nil {
			// Read complete lines; a line without its newline yet is kept
			// and completed on the next round.
			lines, buf = lines[:0], buf[:0]
			var consumed int64
			for len(lines) < f.batch {
				chunk, err := rd.ReadSlice('\n')
				partial = append(partial, chunk...)
				if errors.Is(err, bufio.ErrBufferFull) {
					continue
				}
				if err != nil {
					break
				}
				consumed += int64(len(partial))
				start := len(buf)
				buf = append(buf, partial...)
				lines = append(lines, buf[start:])
				partial = partial[:0]
			}
			if len(lines) > 0 {
				if !f.deliver(ctx, lines) {
					return
				}
				cur.Offset += consumed
				if err := f.save(ctx, cur); err != nil {
					f.r.set.Logger.Warn("cannot record the audit log position", zap.Error(err))
				}
				continue
			}
			// At the end: has the path moved on to a new file (rotation) or
			// been truncated? Read the old file once more first: the
			// apiserver may have written its last lines just before.
			if fi, err := os.Stat(f.path); err == nil {
				d, i := fileID(fi)
				if d != cur.Dev || i != cur.Inode || fi.Size() < cur.Offset {
					if !drained {
						drained = true
						continue
					}
					if len(partial) > 0 {
						f.r.malformed(ctx, "invalid_line")
					}
					if fi, err := file.Stat(); err == nil {
						// More than one rotation since this file was
						// opened: the files renamed after it come first.
						next = nextRotated(f.path, stampOf(fi))
					}
					file.Close()
					file, rd, drained = nil, nil, false
					continue
				}
			}
			drained = false
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// deliver hands the lines on as one batch, retrying while the pipeline
// refuses them. A line that is not an audit event is counted and skipped:
// it can never succeed. It returns false when ctx ended first.
func (f *follower) deliver(ctx context.Context, lines [][]byte) bool {
	var events []auditevent.Event
	var bodies []byte
	for _, l := range lines {
		evs, err := f.dec.Decode(l)
		if err != nil || len(evs) != 1 {
			f.r.malformed(ctx, "invalid_line")
			f.r.set.Logger.Debug("skipping an audit log line that is not an Event", zap.Error(err))
			continue
		}
		e := evs[0]
		off := len(bodies)
		bodies = append(bodies, e.JSON...)
		e.JSONStart, e.JSONEnd = off, len(bodies)
		events = append(events, e)
		// Decode's strings alias its memory; build the batch before the
		// next line is decoded.
		events[len(events)-1] = copyEvent(e)
	}
	if len(events) == 0 {
		return true
	}
	ld := buildLogs(events, string(bodies), nowNanos())
	for wait := 100 * time.Millisecond; ; wait = min(wait*2, 5*time.Second) {
		octx := f.r.obs.StartLogsOp(ctx)
		err := f.r.next.ConsumeLogs(octx, ld)
		f.r.obs.EndLogsOp(octx, "k8s_audit", len(events), err)
		if err == nil {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
	}
}

// copyEvent detaches an event's strings from the decoder's memory.
func copyEvent(e auditevent.Event) auditevent.Event {
	c := func(s string) string { return string([]byte(s)) }
	e.AuditID, e.Stage, e.Verb, e.RequestURI, e.UserAgent = c(e.AuditID), c(e.Stage), c(e.Verb), c(e.RequestURI), c(e.UserAgent)
	e.UserName, e.ImpUserName = c(e.UserName), c(e.ImpUserName)
	e.Resource, e.Subresource, e.Namespace, e.Name, e.APIGroup = c(e.Resource), c(e.Subresource), c(e.Namespace), c(e.Name), c(e.APIGroup)
	e.AuthDecision, e.AuthReason = c(e.AuthDecision), c(e.AuthReason)
	g := make([]string, len(e.UserGroups))
	for i, s := range e.UserGroups {
		g[i] = c(s)
	}
	e.UserGroups = g
	ips := make([]string, len(e.SourceIPs))
	for i, s := range e.SourceIPs {
		ips[i] = c(s)
	}
	e.SourceIPs = ips
	e.JSON = nil
	return e
}
