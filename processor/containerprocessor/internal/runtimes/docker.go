package runtimes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
)

// Docker talks to the Docker Engine API with Docker's own client. Podman
// serves the same API (its Docker-compatible socket), so one client covers
// both; name tells them apart in container.type.
type Docker struct {
	name, socket string
	client       *client.Client
}

// NewDocker makes a client for the Docker-compatible API at socket; name is
// "docker" or "podman". It does not connect until the first call.
func NewDocker(name, socket string) (*Docker, error) {
	c, err := client.NewClientWithOpts(client.WithHost("unix://"+socket), client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", name, socket, err)
	}
	return &Docker{name: name, socket: socket, client: c}, nil
}

func (d *Docker) Name() string   { return d.name }
func (d *Docker) Socket() string { return d.socket }
func (d *Docker) Close() error   { return d.client.Close() }

func (d *Docker) Ping(ctx context.Context) error {
	_, err := d.client.Ping(ctx)
	return err
}

func (d *Docker) Lookup(ctx context.Context, id string) (*Container, error) {
	r, err := d.client.ContainerInspect(ctx, id)
	if client.IsErrNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("inspecting container %s: %w", id, err)
	}
	if r.ContainerJSONBase == nil || r.Config == nil {
		return nil, fmt.Errorf("inspecting container %s: the answer has no container", id)
	}
	ct := d.fromInspect(r)
	// the image's repo digest, when it came from a registry
	if img, err := d.client.ImageInspect(ctx, r.Image); err == nil {
		for _, rd := range img.RepoDigests {
			if repo, dg, ok := strings.Cut(rd, "@"); ok && (ct.ImageRepo == "" || repo == ct.ImageRepo || strings.HasSuffix(ct.ImageRepo, "/"+repo)) {
				ct.ImageDigest = dg
				break
			}
		}
	}
	return ct, nil
}

func (d *Docker) fromInspect(r container.InspectResponse) *Container {
	ct := &Container{ID: r.ID, Runtime: d.name, Name: strings.TrimPrefix(r.Name, "/"), Labels: r.Config.Labels}
	ct.fromLabels()
	ct.setImage(r.Config.Image)
	ct.ImageID = r.Image
	if h := r.HostConfig; h != nil {
		ct.Privileged = h.Privileged
		ct.HostNetwork = h.NetworkMode.IsHost()
		ct.HostPID = h.PidMode.IsHost()
		ct.HostIPC = h.IpcMode.IsHost()
	}
	for _, m := range r.Mounts {
		ct.Mounts = append(ct.Mounts, Mount{Source: m.Source, Dest: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: string(m.Propagation)})
	}
	if r.State != nil {
		if t, err := time.Parse(time.RFC3339Nano, r.State.StartedAt); err == nil && t.Year() > 1 {
			ct.StartNs = t.UnixNano()
		}
	}
	if r.NetworkSettings != nil {
		for _, n := range r.NetworkSettings.Networks {
			if n != nil && n.IPAddress != "" {
				ct.IP = n.IPAddress
				break
			}
		}
	}
	return ct
}

// Watch follows the engine's container events. A container is fetched at
// create, before it starts.
func (d *Docker) Watch(ctx context.Context, created func(*Container), removed func(id string)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	msgs, errs := d.client.Events(ctx, events.ListOptions{Filters: filters.NewArgs(filters.Arg("type", string(events.ContainerEventType)))})
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errs:
			if err == nil {
				return errors.New("event stream closed")
			}
			return fmt.Errorf("event stream: %w", err)
		case m := <-msgs:
			switch m.Action {
			case events.ActionCreate:
				lctx, lcancel := context.WithTimeout(ctx, 5*time.Second)
				ct, err := d.Lookup(lctx, m.Actor.ID)
				lcancel()
				if err == nil {
					created(ct)
				}
			case events.ActionDestroy, events.ActionRemove:
				// Docker says destroy, Podman's compatible API remove.
				removed(m.Actor.ID)
			}
		}
	}
}
