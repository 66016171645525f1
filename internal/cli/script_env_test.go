package cli

import (
	"encoding/json"
	"os"
	"os/exec"

	"github.com/rogpeppe/go-internal/testscript"
)

// goEnvVars are the variables the go command needs to build a generated
// project inside a script as it would outside: the same module cache, build
// cache, proxy and toolchain settings, so builds are offline-fast and never
// fill a fresh cache.
var goEnvVars = []string{
	"GOPATH", "GOMODCACHE", "GOCACHE", "GOFLAGS", "GOPROXY", "GOSUMDB",
	"GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOTOOLCHAIN",
}

// passGoEnv copies the go command's settings and HOME into the script's
// environment, which testscript otherwise starts nearly empty.
func passGoEnv(env *testscript.Env) error {
	if home, ok := os.LookupEnv("HOME"); ok {
		env.Setenv("HOME", home)
	}
	out, err := exec.Command("go", append([]string{"env", "-json"}, goEnvVars...)...).Output()
	if err != nil {
		// Scripts that do not run go still work; those that do fail
		// with go's own message.
		return nil
	}
	var vars map[string]string
	if err := json.Unmarshal(out, &vars); err != nil {
		return err
	}
	for _, k := range goEnvVars {
		if v := vars[k]; v != "" {
			env.Setenv(k, v)
		}
	}
	return nil
}
