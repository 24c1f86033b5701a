package rulesprocessor

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
)

// watch polls the configured rules and Rego files. Polling (rather than
// inotify) follows edits, atomic renames, files appearing in a watched
// directory and Kubernetes ConfigMap symlink swaps alike. A change of the
// files' stamps (names, sizes, mtimes) that then holds for an interval leads
// to a re-read; only a change of content reloads. A reload that fails keeps
// the current rules and is logged once per broken content.
func (p *rulesProcessor) watch(ctx context.Context) {
	defer close(p.watchDone)
	t := time.NewTicker(p.cfg.ReloadInterval)
	defer t.Stop()
	// A change is acted on once the files' stamps have stayed the same for
	// one interval, so a file caught half-written (truncated, then written)
	// is not loaded. With no stamps at first, the second tick compares the
	// contents with what was loaded, so a change between loading and this
	// goroutine starting is not lost either.
	var stamps []fileStamp
	settled := false
	st := p.state.Load()
	loaded := [2][32]byte{st.rulesDigest, st.regoDigest}
	var failed [2][32]byte
	haveFailed := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := p.currentStamps()
		if stamps == nil || !sameStamps(now, stamps) {
			stamps, settled = now, false
			continue
		}
		if settled {
			continue
		}
		settled = true
		digest, ok := p.digests()
		if !ok {
			settled = false // unreadable right now: retry at the next tick
			continue
		}
		if digest == loaded || (haveFailed && digest == failed) {
			continue
		}
		if st, ok := p.reload(ctx); ok {
			loaded, haveFailed = [2][32]byte{st.rulesDigest, st.regoDigest}, false
		} else {
			failed, haveFailed = digest, true
		}
	}
}

func (p *rulesProcessor) currentStamps() []fileStamp {
	a, _ := stampsOf(p.cfg.Files, ruleExts...)
	b, _ := stampsOf(p.cfg.RegoFiles, regoExts...)
	return append(a, b...)
}

// digests hashes the current contents; ok is false when they cannot be
// read right now (a file mid-replacement), to retry at the next tick.
func (p *rulesProcessor) digests() ([2][32]byte, bool) {
	var d [2][32]byte
	if len(p.cfg.Files) > 0 {
		paths, err := resolvePaths(p.cfg.Files, ruleExts...)
		if err != nil {
			return d, true
		}
		if _, d[0], err = readAll(paths); err != nil {
			return d, false
		}
	}
	if len(p.cfg.RegoFiles) > 0 {
		paths, err := resolvePaths(p.cfg.RegoFiles, regoExts...)
		if err != nil {
			return d, true
		}
		if _, d[1], err = readAll(paths); err != nil {
			return d, false
		}
	}
	return d, true
}

// reload builds a new state and swaps it in; on error the old one stays.
func (p *rulesProcessor) reload(ctx context.Context) (*ruleState, bool) {
	st, err := loadState(ctx, p.cfg)
	if err != nil {
		p.telemetry.ProcessorRulesReloads.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("result", "failure"))))
		p.logger.Error("reloading rules failed; the previous rules stay in force", zap.Error(err))
		return nil, false
	}
	p.state.Store(st)
	p.registry.Publish(p.owner, st.plan())
	p.telemetry.ProcessorRulesReloads.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("result", "success"))))
	p.logLoaded(st, "rules reloaded")
	p.publishHostnames(st)
	p.warnUnreachable(st)
	return st, true
}
