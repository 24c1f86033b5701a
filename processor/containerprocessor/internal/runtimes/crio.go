package runtimes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	cri "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// CRI talks to a runtime through the Kubernetes CRI API with its generated
// client (k8s.io/cri-api): CRI-O's only API, and one containerd also serves
// when its CRI plugin is on.
type CRI struct {
	name, socket string
	conn         *grpc.ClientConn
	rt           cri.RuntimeServiceClient
}

// NewCRI makes a client for the CRI API at socket; name is container.type
// ("cri-o"). It does not connect until the first call.
func NewCRI(name, socket string) (*CRI, error) {
	conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", name, socket, err)
	}
	return &CRI{name: name, socket: socket, conn: conn, rt: cri.NewRuntimeServiceClient(conn)}, nil
}

func (c *CRI) Name() string   { return c.name }
func (c *CRI) Socket() string { return c.socket }
func (c *CRI) Close() error   { return c.conn.Close() }

func (c *CRI) Ping(ctx context.Context) error {
	_, err := c.rt.Version(ctx, &cri.VersionRequest{})
	return err
}

func (c *CRI) Lookup(ctx context.Context, id string) (*Container, error) {
	r, err := c.rt.ContainerStatus(ctx, &cri.ContainerStatusRequest{ContainerId: id, Verbose: true})
	if status.Code(err) == codes.NotFound {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("container status of %s: %w", id, err)
	}
	if r.GetStatus() == nil {
		return nil, fmt.Errorf("container status of %s: the answer has no status", id)
	}
	return c.fromStatus(r.GetStatus(), r.GetInfo()), nil
}

// criInfo is the part of the verbose status both CRI-O and containerd's
// CRI plugin put under "info".
type criInfo struct {
	Privileged  *bool       `json:"privileged"`
	RuntimeSpec *specs.Spec `json:"runtimeSpec"`
}

func (c *CRI) fromStatus(s *cri.ContainerStatus, info map[string]string) *Container {
	ct := &Container{ID: s.GetId(), Runtime: c.name, Labels: s.GetLabels()}
	ct.fromLabels()
	ct.Name = s.GetMetadata().GetName()
	ct.setImage(s.GetImage().GetImage())
	if ref := s.GetImageRef(); ref != "" {
		ct.ImageID = ref
	}
	if s.GetStartedAt() != 0 {
		ct.StartNs = s.GetStartedAt()
	} else {
		ct.StartNs = s.GetCreatedAt()
	}
	var ci criInfo
	if raw := info["info"]; raw != "" && json.Unmarshal([]byte(raw), &ci) == nil {
		ct.fromSpec(ci.RuntimeSpec)
		if ci.Privileged != nil {
			ct.Privileged = *ci.Privileged
		}
	}
	if len(ct.Mounts) == 0 {
		for _, m := range s.GetMounts() {
			ct.Mounts = append(ct.Mounts, Mount{Source: m.GetHostPath(), Dest: m.GetContainerPath(), RW: !m.GetReadonly(), Propagation: criPropagation(m.GetPropagation())})
		}
	}
	return ct
}

func criPropagation(p cri.MountPropagation) string {
	switch p {
	case cri.MountPropagation_PROPAGATION_HOST_TO_CONTAINER:
		return "rslave"
	case cri.MountPropagation_PROPAGATION_BIDIRECTIONAL:
		return "rshared"
	}
	return "rprivate"
}

// Watch follows the CRI's container events (GetContainerEvents, the
// kubelet's evented PLEG), which carry each container's status.
func (c *CRI) Watch(ctx context.Context, created func(*Container), removed func(id string)) error {
	stream, err := c.rt.GetContainerEvents(ctx, &cri.GetEventsRequest{})
	if err != nil {
		return fmt.Errorf("event stream: %w", err)
	}
	for {
		ev, err := stream.Recv()
		if status.Code(err) == codes.Unimplemented {
			// CRI servers before evented PLEG (containerd 1.6, CRI-O
			// before 1.26): no events, every container is looked up
			<-ctx.Done()
			return ctx.Err()
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("event stream: %w", err)
		}
		switch ev.GetContainerEventType() {
		case cri.ContainerEventType_CONTAINER_CREATED_EVENT:
			lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			ct, err := c.Lookup(lctx, ev.GetContainerId())
			cancel()
			if err == nil {
				created(ct)
			} else if !errors.Is(err, ErrNotFound) && ctx.Err() != nil {
				return ctx.Err()
			}
		case cri.ContainerEventType_CONTAINER_DELETED_EVENT:
			removed(ev.GetContainerId())
		}
	}
}
