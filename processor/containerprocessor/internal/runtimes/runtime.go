package runtimes

import (
	"context"
	"errors"
)

// ErrNotFound is a runtime's answer for a container it does not hold.
var ErrNotFound = errors.New("no such container")

// Runtime is one container runtime's API.
type Runtime interface {
	// Name is the runtime as container.type says it.
	Name() string
	// Socket is the address the client talks to.
	Socket() string
	// Ping checks that the runtime answers; ctx bounds it.
	Ping(ctx context.Context) error
	// Lookup fetches one container by its full id; ErrNotFound when the
	// runtime does not hold it. ctx bounds the call.
	Lookup(ctx context.Context, id string) (*Container, error)
	// Watch follows the runtime's event stream until ctx ends or the
	// stream breaks (the error says why): created is called with each new
	// container, removed with the id of each deleted one.
	Watch(ctx context.Context, created func(*Container), removed func(id string)) error
	// Close releases the connection.
	Close() error
}
