package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFillFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		Main: debug.Module{Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"},
			{Key: "vcs.time", Value: "2025-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	var got Info
	fillFromBuildInfo(&got, bi)
	want := Info{Version: "v1.2.3", Commit: "abc123-dirty", Date: "2025-01-02T03:04:05Z"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestLinkerValuesWin(t *testing.T) {
	got := Info{Version: "v2.0.0", Commit: "fff", Date: "2026-01-01T00:00:00Z"}
	fillFromBuildInfo(&got, &debug.BuildInfo{
		Main:     debug.Module{Version: "v1.0.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.time", Value: "x"}},
	})
	want := Info{Version: "v2.0.0", Commit: "fff", Date: "2026-01-01T00:00:00Z"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestGetNeverBlank(t *testing.T) {
	info := Get()
	if info.Version == "" || info.GoVersion == "" || info.Platform == "" {
		t.Errorf("Get() = %+v; want version, Go version and platform set", info)
	}
}
