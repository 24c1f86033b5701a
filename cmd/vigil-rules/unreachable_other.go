//go:build !linux

package main

import (
	"errors"
	"io"

	"github.com/vigil-sec/vigil/rules"
)

// errNoSensorCaps: the syscall receiver's capabilities (syscallcaps) come
// from its syscall table, whose flag and errno tables are Linux's, so only
// a Linux build of vigil-rules knows them. Other builds refuse -sensor
// rather than report every syscall rule as unreachable.
var errNoSensorCaps = errors.New("-sensor syscall needs vigil-rules built for Linux (the syscall receiver's tables are Linux's)")

func reportUnreachable(io.Writer, *rules.Ruleset) {}
