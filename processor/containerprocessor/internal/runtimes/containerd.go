package runtimes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	apievents "github.com/containerd/containerd/api/events"
	containerd "github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/containers"
	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	"github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/containerd/typeurl/v2"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Containerd talks to containerd over its gRPC API with containerd's own
// client. Containers live in namespaces (k8s.io for the kubelet, moby for
// Docker's, default for ctr and nerdctl), and the id alone does not say
// which: a lookup asks each namespace in turn.
type Containerd struct {
	socket string
	client *containerd.Client

	mu  sync.Mutex
	nss []string // namespaces, as last listed
}

// NewContainerd makes a client for the containerd at socket. It does not
// connect: the first call does, and fails while nothing listens.
func NewContainerd(socket string) (*Containerd, error) {
	c, err := containerd.New(socket, containerd.WithTimeout(2*time.Second))
	if err != nil {
		return nil, fmt.Errorf("containerd at %s: %w", socket, err)
	}
	return &Containerd{socket: socket, client: c}, nil
}

func (c *Containerd) Name() string   { return "containerd" }
func (c *Containerd) Socket() string { return c.socket }
func (c *Containerd) Close() error   { return c.client.Close() }

func (c *Containerd) Ping(ctx context.Context) error {
	_, err := c.client.Version(ctx)
	return err
}

func (c *Containerd) Lookup(ctx context.Context, id string) (*Container, error) {
	nss, err := c.namespaces(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, ns := range nss {
		ct, err := c.get(ctx, ns, id)
		if err == nil {
			return ct, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	// a namespace created since the last listing may hold it
	fresh, err := c.namespaces(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, ns := range fresh {
		if contains(nss, ns) {
			continue
		}
		if ct, err := c.get(ctx, ns, id); !errors.Is(err, ErrNotFound) {
			return ct, err
		}
	}
	return nil, ErrNotFound
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *Containerd) namespaces(ctx context.Context, refresh bool) ([]string, error) {
	c.mu.Lock()
	nss := c.nss
	c.mu.Unlock()
	if nss != nil && !refresh {
		return nss, nil
	}
	nss, err := c.client.NamespaceService().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing namespaces: %w", err)
	}
	if nss == nil {
		nss = []string{}
	}
	c.mu.Lock()
	c.nss = nss
	c.mu.Unlock()
	return nss, nil
}

// get fetches container id of namespace ns and the image it was made from.
func (c *Containerd) get(ctx context.Context, ns, id string) (*Container, error) {
	nctx := namespaces.WithNamespace(ctx, ns)
	rec, err := c.client.ContainerService().Get(nctx, id)
	if errdefs.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("getting container %s in namespace %s: %w", id, ns, err)
	}
	ct, err := fromContainerd(rec)
	if err != nil {
		return nil, fmt.Errorf("container %s in namespace %s: %w", id, ns, err)
	}
	if rec.Image != "" {
		// the image's digest and config id; a deleted image leaves them empty
		if img, err := c.client.ImageService().Get(nctx, rec.Image); err == nil {
			ct.ImageDigest = img.Target.Digest.String()
			if cfg, err := images.Config(nctx, c.client.ContentStore(), img.Target, platforms.Default()); err == nil {
				ct.ImageID = cfg.Digest.String()
			}
		} else if !errdefs.IsNotFound(err) {
			return nil, fmt.Errorf("getting image %s in namespace %s: %w", rec.Image, ns, err)
		}
	}
	return ct, nil
}

// fromContainerd reads a container record. containerd has no container
// names: a CRI container is named by its kubelet label, a nerdctl one by
// nerdctl's, any other by its id.
func fromContainerd(rec containers.Container) (*Container, error) {
	ct := &Container{ID: rec.ID, Runtime: "containerd", Labels: rec.Labels}
	ct.fromLabels()
	switch {
	case ct.K8sContainerName != "":
		ct.Name = ct.K8sContainerName
	case rec.Labels["nerdctl/name"] != "":
		ct.Name = rec.Labels["nerdctl/name"]
	default:
		ct.Name = rec.ID
	}
	ct.setImage(rec.Image)
	if !rec.CreatedAt.IsZero() {
		ct.StartNs = rec.CreatedAt.UnixNano()
	}
	if rec.Spec != nil && len(rec.Spec.GetValue()) > 0 {
		var s specs.Spec
		if err := json.Unmarshal(rec.Spec.GetValue(), &s); err != nil {
			return nil, fmt.Errorf("decoding its OCI spec: %w", err)
		}
		ct.fromSpec(&s)
	}
	return ct, nil
}

// Watch follows containerd's container events in every namespace. A
// created container is fetched at once, before its task starts, so the
// first exec in it already finds its metadata.
func (c *Containerd) Watch(ctx context.Context, created func(*Container), removed func(id string)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	evs, errs := c.client.Subscribe(ctx, `topic~="^/containers/"`, `topic~="^/namespaces/"`)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errs:
			if err == nil {
				return errors.New("event stream closed")
			}
			return fmt.Errorf("event stream: %w", err)
		case env := <-evs:
			if env == nil || env.Event == nil {
				continue
			}
			ev, err := typeurl.UnmarshalAny(env.Event)
			if err != nil {
				continue // an event type this client does not know
			}
			switch e := ev.(type) {
			case *apievents.ContainerCreate:
				lctx, lcancel := context.WithTimeout(ctx, 5*time.Second)
				ct, err := c.get(lctx, env.Namespace, e.ID)
				lcancel()
				if err == nil {
					created(ct)
				}
			case *apievents.ContainerDelete:
				removed(e.ID)
			case *apievents.NamespaceCreate, *apievents.NamespaceDelete:
				c.mu.Lock()
				c.nss = nil
				c.mu.Unlock()
			}
		}
	}
}
