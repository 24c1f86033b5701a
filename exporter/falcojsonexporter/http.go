package falcojsonexporter // import "github.com/vigil-sec/vigil/exporter/falcojsonexporter"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/falcoalert"
	"github.com/vigil-sec/vigil/exporter/falcojsonexporter/internal/metadata"
)

// httpDestination POSTs each alert on its own, as Falco's http_output does
// and as falcosidekick expects (it decodes exactly one object per request).
type httpDestination struct {
	clientConfig confighttp.ClientConfig
	settings     component.TelemetrySettings
	logger       *zap.Logger
	telemetry    *metadata.TelemetryBuilder
	contentType  string
	client       *http.Client
}

func newHTTPDestination(cfg *Config, set component.TelemetrySettings, logger *zap.Logger, tb *metadata.TelemetryBuilder) *httpDestination {
	// As Falco's http_output: JSON alerts as application/json, text lines
	// as text/plain.
	contentType := "application/json"
	if !cfg.JSONOutput {
		contentType = "text/plain"
	}
	return &httpDestination{clientConfig: cfg.ClientConfig, settings: set, logger: logger, telemetry: tb, contentType: contentType}
}

func (h *httpDestination) start(ctx context.Context, host component.Host) error {
	client, err := h.clientConfig.ToClient(ctx, host.GetExtensions(), h.settings)
	if err != nil {
		return err
	}
	h.client = client
	return nil
}

// push sends the alerts of ld in order. An alert the endpoint refuses for
// good (4xx) is logged with its rule name, counted and dropped, and the
// others still go out. At the first retryable failure (5xx, 408, 429,
// connection error) it stops and returns the undelivered alerts inside the
// error, so the retry resends only those: nothing is delivered twice.
func (h *httpDestination) push(ctx context.Context, ld plog.Logs, en *encoding) (skipped int, err error) {
	var (
		rejected  []error
		retryErr  error
		retryFrom int
	)
	skipped = eachAlert(ld, func(i int, res pcommon.Resource, lr plog.LogRecord) bool {
		en.buf = en.appendAlert(en.buf[:0], res, lr)
		perr := h.post(ctx, en.buf)
		switch {
		case perr == nil:
			return true
		case consumererror.IsPermanent(perr):
			rule := falcoalert.RuleName(lr)
			h.logger.Error("The endpoint rejected an alert; it is dropped, not retried",
				zap.String("rule", rule), zap.Error(perr))
			h.telemetry.FalcojsonAlertsRejected.Add(ctx, 1)
			rejected = append(rejected, fmt.Errorf("alert of rule %q: %w", rule, perr))
			return true
		default:
			retryErr, retryFrom = perr, i
			return false
		}
	})
	if retryErr != nil {
		rest := alertsFrom(ld, retryFrom)
		return skipped, consumererror.NewLogs(fmt.Errorf("%d alert(s) not delivered yet: %w", rest.LogRecordCount(), retryErr), rest)
	}
	if len(rejected) > 0 {
		return skipped, consumererror.NewPermanent(errors.Join(rejected...))
	}
	return skipped, nil
}

// post sends one alert and classifies the outcome for the retry logic.
func (h *httpDestination) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.clientConfig.Endpoint, bytes.NewReader(body))
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	req.Header.Set("Content-Type", h.contentType)
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", h.clientConfig.Endpoint, err)
	}
	// Read a little of the body for the error message, and drain the rest
	// so the connection can be reused.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	statusErr := fmt.Errorf("POST %s: HTTP %s: %q", h.clientConfig.Endpoint, resp.Status, bytes.TrimSpace(snippet))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return exporterhelper.NewThrottleRetry(statusErr, d)
		}
		return statusErr
	case resp.StatusCode == http.StatusRequestTimeout:
		return statusErr
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		// The alert itself is what the endpoint refuses (falcosidekick
		// answers 400 to an invalid alert); sending it again cannot help.
		return consumererror.NewPermanent(statusErr)
	default:
		return statusErr
	}
}

// retryAfter parses a Retry-After header in either of its forms.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}
