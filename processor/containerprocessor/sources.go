package containerprocessor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/runtimes"
)

// A source's state as lookups see it.
const (
	stateUnknown int32 = iota // not tried yet: lookups ask it
	stateUp                   // answered the last ping or stream
	stateDown                 // absent or failing: lookups skip it
)

// source is one runtime socket and what the processor knows of it.
type source struct {
	cfg   RuntimeConfig
	label string // type:socket, for logs and the runtime metric attribute
	attr  metric.AddOption

	// rt is made at start; clients connect on their first call, so a
	// socket that does not exist yet is no error.
	rt    runtimes.Runtime
	state atomic.Int32
}

func newSource(cfg RuntimeConfig) (*source, error) {
	rt, err := newRuntime(cfg)
	if err != nil {
		return nil, err
	}
	label := cfg.Type + ":" + cfg.Socket
	return &source{cfg: cfg, label: label, attr: runtimeAttr(label), rt: rt}, nil
}

func (s *source) usable() bool { return s.state.Load() != stateDown }

var errNoClient = errors.New("no client for this runtime type")

// newRuntime makes the runtime's client for the socket.
func newRuntime(cfg RuntimeConfig) (runtimes.Runtime, error) {
	switch cfg.Type {
	case TypeContainerd:
		return runtimes.NewContainerd(cfg.Socket)
	case TypeCRIO:
		return runtimes.NewCRI(cfg.Type, cfg.Socket)
	case TypeDocker, TypePodman:
		// Podman serves Docker's API on its socket
		return runtimes.NewDocker(cfg.Type, cfg.Socket)
	}
	return nil, fmt.Errorf("runtime type %q: %w", cfg.Type, errNoClient)
}

// follow keeps one runtime connected for the processor's life: it waits for
// the socket to exist, pings, then follows the event stream; when anything
// fails it counts the failure, warns once (until the runtime answers again)
// and tries again after retry_interval. A runtime that starts after the
// collector is picked up the same way.
func (p *containerProcessor) follow(ctx context.Context, s *source) {
	log := p.set.Logger.With(zap.String("runtime", s.cfg.Type), zap.String("socket", s.cfg.Socket))
	warned, absentSaid, connectedOnce := false, false, false
	for ctx.Err() == nil {
		if _, err := os.Stat(s.cfg.Socket); err != nil {
			s.state.Store(stateDown)
			if !absentSaid {
				log.Info("no container runtime at this socket; looking again every retry_interval")
				absentSaid = true
			}
			p.wait(ctx)
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := s.rt.Ping(pctx)
		cancel()
		if err == nil {
			s.state.Store(stateUp)
			if warned || !connectedOnce {
				log.Info("following the container runtime's events")
			}
			if connectedOnce || warned || absentSaid {
				// ids looked up while this runtime was away were
				// marked not found without asking it
				p.cache.ForgetNotFound()
			}
			warned, absentSaid, connectedOnce = false, false, true
			err = s.rt.Watch(ctx, p.created, p.removed)
		}
		if ctx.Err() != nil {
			return
		}
		s.state.Store(stateDown)
		p.tb.ProcessorContainerRuntimeFailures.Add(context.Background(), 1, s.attr)
		if !warned {
			log.Warn("the container runtime does not answer; its containers' metadata is missing until it does", zap.Error(err))
			warned = true
		}
		p.wait(ctx)
	}
}

func (p *containerProcessor) wait(ctx context.Context) {
	t := time.NewTimer(p.cfg.RetryInterval)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (p *containerProcessor) created(c *runtimes.Container) {
	c.Prepare(eventattr.ContainerLabelPrefix)
	p.cache.Put(c)
}

func (p *containerProcessor) removed(id string) { p.cache.Removed(id, time.Now()) }
