package dockerd

import "github.com/docker/docker/api/types/container"

var (
	containerListAll     = container.ListOptions{All: true}
	containerRemoveForce = container.RemoveOptions{Force: true, RemoveVolumes: true}
)
