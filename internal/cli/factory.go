package cli

import (
	"github.com/scaffold-dev/scaffold/internal/buildinfo"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
)

// Factory holds what commands share: the streams and the build information.
// Commands take what they need from it when they are constructed, so a test
// can build any command with fakes.
type Factory struct {
	IOStreams *iostreams.IOStreams
	BuildInfo buildinfo.Info
}
