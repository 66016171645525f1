// Package buildinfo reports the version of the scaffold binary.
//
// Release builds get their version, commit and date from the linker
// (goreleaser passes -ldflags "-X ..."; see .goreleaser.yaml). Other builds
// (go install, go build from a checkout) fall back to what the Go toolchain
// embeds in the binary, so the version is never simply blank.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set by the linker in release builds:
//
//	-X github.com/scaffold-dev/scaffold/internal/buildinfo.version=v1.2.3
//	-X github.com/scaffold-dev/scaffold/internal/buildinfo.commit=<sha>
//	-X github.com/scaffold-dev/scaffold/internal/buildinfo.date=<RFC 3339>
//
// They are only ever written by the linker, never at run time.
var (
	version string
	commit  string
	date    string
)

// Info describes one build of scaffold.
type Info struct {
	Version   string // semantic version such as v1.2.3, or "(devel)"
	Commit    string // VCS revision, "" when unknown
	Date      string // commit or build time in RFC 3339, "" when unknown
	GoVersion string // toolchain that built the binary, e.g. go1.26.8
	Platform  string // GOOS/GOARCH
}

// Get returns the build information of the running binary.
func Get() Info {
	info := Info{
		Version:   version,
		Commit:    commit,
		Date:      date,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		fillFromBuildInfo(&info, bi)
	}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	return info
}

// fillFromBuildInfo completes the fields the linker did not set from the
// toolchain's record: the module version for `go install module@version`,
// and the VCS stamp for builds from a checkout.
func fillFromBuildInfo(info *Info, bi *debug.BuildInfo) {
	if info.Version == "" && bi.Main.Version != "" {
		info.Version = bi.Main.Version
	}
	var revision, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			if info.Date == "" {
				info.Date = s.Value
			}
		case "vcs.modified":
			modified = s.Value
		}
	}
	if info.Commit == "" && revision != "" {
		info.Commit = revision
		if modified == "true" {
			info.Commit += "-dirty"
		}
	}
}
