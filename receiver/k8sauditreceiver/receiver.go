package k8sauditreceiver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/auditevent"
	"github.com/vigil-sec/vigil/receiver/k8sauditreceiver/internal/metadata"
)

// k8sAuditReceiver serves the audit webhook.
type k8sAuditReceiver struct {
	cfg  *Config
	set  receiver.Settings
	next consumer.Logs
	obs  *receiverhelper.ObsReport
	tb   *metadata.TelemetryBuilder

	// decoders and bodies are per-request working memory.
	decoders sync.Pool // *auditevent.Decoder
	bodies   sync.Pool // *[]byte

	server *http.Server
	done   chan struct{}

	stopFile context.CancelFunc
	fileDone chan struct{}
	client   storage.Client
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Logs) (*k8sAuditReceiver, error) {
	obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              "http",
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	r := &k8sAuditReceiver{cfg: cfg, set: set, next: next, obs: obs}
	r.decoders.New = func() any { return new(auditevent.Decoder) }
	r.bodies.New = func() any { b := make([]byte, 0, 64<<10); return &b }
	return r, nil
}

func (r *k8sAuditReceiver) Start(ctx context.Context, host component.Host) error {
	tb, err := metadata.NewTelemetryBuilder(r.set.TelemetrySettings)
	if err != nil {
		return err
	}
	r.tb = tb
	if r.cfg.File.Path != "" {
		if err := r.startFile(ctx, host); err != nil {
			return err
		}
	}
	if r.cfg.NetAddr.Endpoint == "" {
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle(r.cfg.Path, http.HandlerFunc(r.serveWebhook))
	r.server, err = r.cfg.ServerConfig.ToServer(ctx, host.GetExtensions(), r.set.TelemetrySettings, mux)
	if err != nil {
		return err
	}
	ln, err := r.cfg.ServerConfig.ToListener(ctx)
	if err != nil {
		return err
	}
	r.done = make(chan struct{})
	r.set.Logger.Info("k8s audit webhook listening", zap.String("endpoint", ln.Addr().String()), zap.String("path", r.cfg.Path),
		zap.Bool("tls", r.cfg.TLS.HasValue()))
	go func() {
		defer close(r.done)
		if err := r.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}()
	return nil
}

// startFile starts following the audit log, resuming at the position kept
// in the storage extension.
func (r *k8sAuditReceiver) startFile(ctx context.Context, host component.Host) error {
	fc := r.cfg.File
	if fc.Storage != nil {
		ext, ok := host.GetExtensions()[*fc.Storage]
		if !ok {
			return fmt.Errorf("file::storage: extension %s is not configured", fc.Storage)
		}
		se, ok := ext.(storage.Extension)
		if !ok {
			return fmt.Errorf("file::storage: %s is not a storage extension", fc.Storage)
		}
		client, err := se.GetClient(ctx, component.KindReceiver, r.set.ID, "audit_log")
		if err != nil {
			return fmt.Errorf("file::storage: %w", err)
		}
		r.client = client
	}
	f := &follower{r: r, path: fc.Path, poll: fc.PollInterval, batch: fc.MaxBatchSize, client: r.client}
	fctx, cancel := context.WithCancel(context.Background())
	r.stopFile, r.fileDone = cancel, make(chan struct{})
	go func() {
		defer close(r.fileDone)
		f.run(fctx)
	}()
	return nil
}

func (r *k8sAuditReceiver) Shutdown(ctx context.Context) error {
	var err error
	if r.stopFile != nil {
		r.stopFile()
		<-r.fileDone
		r.stopFile = nil
	}
	if r.client != nil {
		err = r.client.Close(ctx)
		r.client = nil
	}
	if r.server != nil {
		// Requests in flight finish (their batch is handed on or refused)
		// before the pipeline behind them shuts down.
		err = errors.Join(err, r.server.Shutdown(ctx))
		<-r.done
		r.server = nil
	}
	if r.tb != nil {
		r.tb.Shutdown()
		r.tb = nil
	}
	return err
}
