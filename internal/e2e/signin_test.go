package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

// Servers with auth sign their tokens with this secret, so that the suite
// can also forge tokens to probe them.
const jwtSecret = "the end-to-end suite's secret, longer than 32 bytes"

// The admin the suite creates in servers with auth.
const (
	adminEmail    = "admin@e2e.example.com"
	adminPassword = "the admin password of the end-to-end suite"
)

// authEnv is the environment of a server of p: a fixed JWT secret, and no
// rate limit on the suite's own logins, with auth; nothing without.
func authEnv(p *schema.Project) []string {
	if !p.Auth.Enabled {
		return nil
	}
	return []string{"JWT_SECRET=" + jwtSecret, "AUTH_RATE_LIMIT_PER_MINUTE=6000", "AUTH_RATE_LIMIT_BURST=1000"}
}

// createUser runs "server users create" with password on standard input.
func createUser(t *testing.T, server, dir string, env []string, email, role, password string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), server, "users", "create", "--email", email, "--role", role, "--password-stdin")
	cmd.Dir = dir
	cmd.Env = commandEnv(env)
	cmd.Stdin = strings.NewReader(password + "\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out.Bytes())
	}
}

// signIn signs in through the API and returns the access and refresh tokens.
func signIn(t *testing.T, c *client, basePath, email, password string) (access, refresh string) {
	t.Helper()
	anonymous := *c
	anonymous.token = ""
	resp := anonymous.do(t, http.MethodPost, basePath+"/auth/login", map[string]any{"email": email, "password": password})
	resp.expect(t, http.StatusOK)
	var pair struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(resp.body, &pair); err != nil || pair.AccessToken == "" {
		t.Fatalf("%s: no token pair in %s", resp.req, resp.body)
	}
	return pair.AccessToken, pair.RefreshToken
}
