package k8sauditreceiver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/auditevent"
)

// retryAfterSeconds is what a refused batch asks the apiserver to wait; its
// webhook backend retries any error with its own back-off
// (--audit-webhook-initial-backoff) and 429 with Retry-After is the
// conventional "come back later".
const retryAfterSeconds = "1"

// serveWebhook answers one post of the apiserver's audit webhook: 200 only
// once the next consumer accepted every event of the body, 429 when the
// pipeline refused them (memory limiter, full queue) so the apiserver sends
// the batch again, 400 for a body that is not an audit.k8s.io/v1 Event or
// EventList (naming the problem), 413 above max_request_body_size.
func (r *k8sAuditReceiver) serveWebhook(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.reply(ctx, w, http.StatusMethodNotAllowed, "only POST is accepted")
		return
	}
	bp := r.bodies.Get().(*[]byte)
	defer r.bodies.Put(bp)
	body, err := readBody((*bp)[:0], req.Body)
	*bp = body[:0]
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			r.malformed(ctx, "too_large")
			r.reply(ctx, w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than max_request_body_size (%d bytes)", tooBig.Limit))
			return
		}
		r.malformed(ctx, "truncated")
		r.reply(ctx, w, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	dec := r.decoders.Get().(*auditevent.Decoder)
	defer r.decoders.Put(dec)
	events, err := dec.Decode(body)
	if err != nil {
		r.malformed(ctx, "invalid")
		r.reply(ctx, w, http.StatusBadRequest, "not an audit.k8s.io/v1 Event or EventList: "+err.Error())
		return
	}
	if len(events) == 0 {
		r.reply(ctx, w, http.StatusOK, "")
		return
	}
	ld := buildLogs(events, string(body), nowNanos())
	octx := r.obs.StartLogsOp(ctx)
	err = r.next.ConsumeLogs(octx, ld)
	r.obs.EndLogsOp(octx, "k8s_audit", len(events), err)
	switch {
	case err == nil:
		r.reply(ctx, w, http.StatusOK, "")
	case consumererror.IsPermanent(err):
		// Sending the same events again cannot succeed.
		r.reply(ctx, w, http.StatusBadRequest, "the pipeline rejected the events: "+err.Error())
	default:
		w.Header().Set("Retry-After", retryAfterSeconds)
		r.reply(ctx, w, http.StatusTooManyRequests, "the pipeline refused the events, retry: "+err.Error())
	}
}

// readBody reads all of rd into dst, growing it as needed.
func readBody(dst []byte, rd io.Reader) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := rd.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}

func (r *k8sAuditReceiver) reply(ctx context.Context, w http.ResponseWriter, code int, msg string) {
	r.tb.ReceiverK8sAuditRequests.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("code", strconv.Itoa(code)))))
	if msg == "" {
		w.WriteHeader(code)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, msg+"\n")
}

func (r *k8sAuditReceiver) malformed(ctx context.Context, reason string) {
	r.tb.ReceiverK8sAuditMalformed.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", reason))))
}
