package containerprocessor

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.uber.org/zap"

	"github.com/vigil-sec/vigil/eventattr"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/containercache"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/metadata"
	"github.com/vigil-sec/vigil/processor/containerprocessor/internal/runtimes"
)

type containerProcessor struct {
	cfg     *Config
	set     processor.Settings
	tb      *metadata.TelemetryBuilder
	cache   *containercache.Cache
	sources []*source

	mu       sync.Mutex
	inflight map[string]*flight

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// flight is one lookup in progress; concurrent misses of the same id wait
// for it instead of asking the runtimes again.
type flight struct {
	done chan struct{}
	c    *runtimes.Container
}

func newContainerProcessor(set processor.Settings, cfg *Config) (*containerProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &containerProcessor{
		cfg:      cfg,
		set:      set,
		tb:       tb,
		cache:    containercache.New(cfg.MaxContainers, cfg.RemovedGrace, cfg.NotFoundTTL),
		inflight: map[string]*flight{},
	}
	for _, rc := range cfg.sockets() {
		s, err := newSource(rc)
		if errors.Is(err, errNoClient) {
			set.Logger.Info("no client for this runtime type in this build; skipping it", zap.String("runtime", rc.Type), zap.String("socket", rc.Socket))
			continue
		}
		if err != nil {
			return nil, err
		}
		p.sources = append(p.sources, s)
	}
	return p, nil
}

func (p *containerProcessor) start(_ context.Context, _ component.Host) error {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	if len(p.sources) == 0 {
		p.set.Logger.Info("no container runtime configured and discovery is off: resources get no container metadata")
	}
	for _, s := range p.sources {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.follow(ctx, s)
		}()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.housekeep(ctx)
	}()
	return nil
}

func (p *containerProcessor) shutdown(context.Context) error {
	if p.cancel != nil {
		p.cancel()
		p.wg.Wait()
	}
	var errs []error
	for _, s := range p.sources {
		errs = append(errs, s.rt.Close())
	}
	p.tb.Shutdown()
	withdrawCaps(p.set.ID.String())
	return errors.Join(errs...)
}

// housekeep drops expired entries and publishes the cache's size and
// evictions once a second.
func (p *containerProcessor) housekeep(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var evicted uint64
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.cache.Sweep(now)
			bg := context.Background()
			p.tb.ProcessorContainerCacheSize.Record(bg, int64(p.cache.Len()))
			if e := p.cache.Evictions(); e != evicted {
				p.tb.ProcessorContainerCacheEvictions.Add(bg, int64(e-evicted))
				evicted = e
			}
		}
	}
}

// processLogs adds the container's metadata to every Resource that names a
// container. The receiver emits one Resource per process state and batch,
// so this is a cache lookup per Resource, not per event.
func (p *containerProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	rls := ld.ResourceLogs()
	var lastID string
	var last *runtimes.Container
	for i := 0; i < rls.Len(); i++ {
		a := rls.At(i).Resource().Attributes()
		v, ok := a.Get(eventattr.ContainerID)
		if !ok || v.Str() == "" {
			continue
		}
		if id := v.Str(); id != lastID {
			hint := ""
			if h, ok := a.Get(eventattr.ContainerRuntime); ok {
				hint = h.Str()
			}
			last, lastID = p.lookup(ctx, id, hint), id
		}
		if last != nil {
			putContainer(a, last)
		}
	}
	return ld, nil
}

// lookup returns id's metadata from the cache or, on a miss, from the
// runtimes within lookup_timeout; nil when none has it in time.
func (p *containerProcessor) lookup(ctx context.Context, id, hint string) *runtimes.Container {
	if c, known := p.cache.Get(id, time.Now()); known {
		return c
	}
	p.mu.Lock()
	if f, ok := p.inflight[id]; ok {
		p.mu.Unlock()
		select {
		case <-f.done:
			return f.c
		case <-ctx.Done():
			return nil
		}
	}
	f := &flight{done: make(chan struct{})}
	p.inflight[id] = f
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.inflight, id)
		p.mu.Unlock()
		close(f.done)
	}()

	lctx, cancel := context.WithTimeout(ctx, p.cfg.LookupTimeout)
	defer cancel()
	c, result := p.ask(lctx, id, hint)
	f.c = c
	p.tb.ProcessorContainerLookups.Add(context.Background(), 1, resultAttrs[result])
	if c != nil {
		c.Prepare(eventattr.ContainerLabelPrefix)
		p.cache.Put(c)
		return c
	}
	// a failed or late answer is not asked again for not_found_ttl either:
	// otherwise a broken runtime would hold every batch of the container
	// for lookup_timeout; the runtime's create event still fills the entry
	p.cache.PutNotFound(id, time.Now())
	return nil
}

// ask asks the usable runtimes in turn, those of the hinted type first.
func (p *containerProcessor) ask(ctx context.Context, id, hint string) (*runtimes.Container, result) {
	result := resultUnavailable
	asked := false
	for pass := 0; pass < 2; pass++ {
		for _, s := range p.sources {
			if (pass == 0) != (hint != "" && s.cfg.Type == hint) || !s.usable() {
				continue
			}
			asked = true
			c, err := s.rt.Lookup(ctx, id)
			switch {
			case err == nil:
				return c, resultFetched
			case errors.Is(err, runtimes.ErrNotFound):
				if result == resultUnavailable {
					result = resultNotFound
				}
			case ctx.Err() != nil:
				p.tb.ProcessorContainerRuntimeFailures.Add(context.Background(), 1, s.attr)
				return nil, resultTimeout
			default:
				p.tb.ProcessorContainerRuntimeFailures.Add(context.Background(), 1, s.attr)
				p.set.Logger.Debug("container lookup failed", zap.String("runtime", s.label), zap.Error(err))
				result = resultFailed
			}
		}
	}
	if !asked {
		return nil, resultUnavailable
	}
	return nil, result
}
