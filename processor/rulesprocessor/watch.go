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
// files' stamps (names, sizes, mtimes) leads to a re-read; only a change of
// content reloads. A reload that fails keeps the current rules and is logged
// once per broken content.
func (p *rulesProcessor) watch(ctx context.Context) {
	defer close(p.watchDone)
	t := time.NewTicker(p.cfg.ReloadInterval)
	defer t.Stop()
	stamps := p.currentStamps()
	st := p.state.Load()
	lastDigest := [2][32]byte{st.rulesDigest, st.regoDigest}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := p.currentStamps()
		if sameStamps(now, stamps) {
			continue
		}
		stamps = now
		digest, ok := p.digests()
		if !ok || digest == lastDigest {
			continue
		}
		lastDigest = digest
		p.reload(ctx)
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
func (p *rulesProcessor) reload(ctx context.Context) {
	st, err := loadState(ctx, p.cfg)
	if err != nil {
		p.telemetry.ProcessorRulesReloads.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("result", "failure"))))
		p.logger.Error("reloading rules failed; the previous rules stay in force", zap.Error(err))
		return
	}
	p.state.Store(st)
	p.registry.Publish(p.owner, st.syscalls)
	p.telemetry.ProcessorRulesReloads.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("result", "success"))))
	p.logLoaded(st, "rules reloaded")
}
