package e2e

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The shop and ids schemas enable auth: shop with local accounts (int ids,
// roles admin, staff and customer, an owned Review), ids with UUID ids,
// registration closed and an external OIDC identity provider.
const (
	authShopSchema = "testdata/golden/shop/scaffold.yaml"
	authIDsSchema  = "testdata/schemas/ids.yaml"
	// authIssuer and authAudience are set through JWT_ISSUER and
	// JWT_AUDIENCE, so that the test knows what the tokens must carry.
	authIssuer   = "scaffold-e2e"
	authAudience = "scaffold-e2e-api"
	// authPassword is long enough for every schema's password_min_length.
	authPassword = "correct horse battery staple"
)

// TestAuthEndToEnd drives the authentication of generated servers from the
// outside, per database: forged and broken tokens, the refresh-token
// lifecycle, login and registration rules, rate limits and permission spot
// checks on shop; tokens of an OIDC identity provider the test plays itself
// on ids. The full permission matrix is in the generated projects' own
// tests; this checks that the running server enforces it.
func TestAuthEndToEnd(t *testing.T) {
	skipUnlessServersRun(t, "auth end-to-end")
	dbs := selectDatabases(t)
	scaffold := buildScaffold(t)
	for _, db := range dbs {
		t.Run(db.name, func(t *testing.T) {
			serverURL := db.serverURL(t)
			if caseSelected("shop") {
				t.Run("shop", func(t *testing.T) {
					p := buildAuthProject(t, scaffold, db, serverURL, "shop", authShopSchema)
					checkShopAuth(t, p)
					if db.name == "sqlite" {
						t.Run("fuzz", func(t *testing.T) { fuzzAuthBodies(t, p) })
					}
				})
			}
			if caseSelected("ids") {
				t.Run("ids", func(t *testing.T) {
					p := buildAuthProject(t, scaffold, db, serverURL, "ids", authIDsSchema)
					checkOIDC(t, p)
				})
			}
		})
	}
}

// caseSelected reports whether SCAFFOLD_E2E_CASES (when set) names the case.
func caseSelected(name string) bool {
	want := os.Getenv(casesEnv)
	if want == "" {
		return true
	}
	return slices.Contains(strings.Split(strings.ReplaceAll(want, " ", ""), ","), name)
}

// authProject is a generated project with auth, built and migrated.
type authProject struct {
	dir, bin string
	dbURL    string
	secret   string // JWT_SECRET of every server started with env
	basePath string
}

// buildAuthProject generates schemaFile (relative to the repository root)
// for db, builds its server and migrates a fresh database up.
func buildAuthProject(t *testing.T, scaffold string, db database, serverURL, name, schemaFile string) *authProject {
	t.Helper()
	file, err := filepath.Abs(filepath.Join(repoRoot, schemaFile))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, name)
	p := &authProject{
		dir:      dir,
		bin:      filepath.Join(tmp, "server"),
		dbURL:    db.caseURL(t, serverURL, "auth_"+name, tmp),
		secret:   randomHex(t, 32),
		basePath: "/api/v1",
	}
	if name == "ids" {
		p.basePath = "/v2"
	}
	mustRun(t, tmp, scaffold, "new", dir, "--schema", file, "--db", db.name)
	mustRun(t, dir, "go", "build", "-o", p.bin, "./cmd/server")
	if _, ok := output(t, dir, p.env(), p.bin, "migrate", "up"); !ok {
		t.FailNow()
	}
	return p
}

// env is the environment of the project's server, plus extra settings.
func (p *authProject) env(extra ...string) []string {
	return append([]string{
		"APP_ENV=development",
		"DATABASE_URL=" + p.dbURL,
		"AUTO_MIGRATE=false",
		"JWT_SECRET=" + p.secret,
		"JWT_ISSUER=" + authIssuer,
		"JWT_AUDIENCE=" + authAudience,
		// Login is tried many times from one address; the limit has a
		// test of its own on a server started for it.
		"AUTH_RATE_LIMIT_PER_MINUTE=100000",
		"AUTH_RATE_LIMIT_BURST=100000",
	}, extra...)
}

// createUser runs "server users create" with the password on standard input.
func (p *authProject) createUser(t *testing.T, email, role string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), p.bin, "users", "create", "--email", email, "--role", role, "--password-stdin")
	cmd.Dir = p.dir
	cmd.Env = commandEnv(p.env())
	cmd.Stdin = strings.NewReader(authPassword + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	if strings.Contains(string(out), authPassword) {
		t.Errorf("users create printed the password:\n%s", out)
	}
}

// tokenPair is the body of login and refresh.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// login signs in and checks the shape of the answer.
func login(t *testing.T, c *client, base, email string) tokenPair {
	t.Helper()
	r := c.do(t, http.MethodPost, base+"/auth/login", map[string]any{"email": email, "password": authPassword})
	r.expect(t, http.StatusOK)
	return decodePair(t, r)
}

func decodePair(t *testing.T, r *response) tokenPair {
	t.Helper()
	var tp tokenPair
	if err := json.Unmarshal(r.body, &tp); err != nil {
		t.Fatalf("%s: %v:\n%s", r.req, err, r.body)
	}
	if tp.AccessToken == "" || tp.RefreshToken == "" || tp.TokenType != "Bearer" || tp.ExpiresIn <= 0 {
		t.Fatalf("%s: want access_token, refresh_token, token_type Bearer and expires_in > 0, got:\n%s", r.req, r.body)
	}
	return tp
}

// bearer adds an Authorization header to every request of a client.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// as returns a client of the same server that sends token.
func as(base, token string) *client {
	c := newClient(base)
	c.http.Transport = bearer{token: token, next: http.DefaultTransport}
	return c
}

// expectUnauthorized checks a 401 problem with a Bearer challenge.
func expectUnauthorized(t *testing.T, r *response) {
	t.Helper()
	r.expectProblem(t, http.StatusUnauthorized)
	if h := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
		t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", r.req, h)
	}
}

// checkShopAuth runs every local-account check against one shop server.
func checkShopAuth(t *testing.T, p *authProject) {
	srv := startServer(t, p.bin, p.dir, p.env("ACCESS_TOKEN_TTL=2h"))
	base := p.basePath
	anon := newClient(srv.url)

	p.createUser(t, "admin@example.com", "admin")
	p.createUser(t, "staff@example.com", "staff")
	admin := login(t, anon, base, "admin@example.com")
	staff := login(t, anon, base, "staff@example.com")

	register := func(email string) tokenPair {
		t.Helper()
		r := anon.do(t, http.MethodPost, base+"/auth/register", map[string]any{"email": email, "password": authPassword, "display_name": "Tester"})
		r.expect(t, http.StatusCreated)
		obj := r.object(t)
		for _, k := range []string{"password", "password_hash"} {
			if _, ok := obj[k]; ok {
				t.Errorf("%s: %q is in the response", r.req, k)
			}
		}
		if obj["role"] != "customer" {
			t.Errorf("%s: role %v, want the default role customer", r.req, obj["role"])
		}
		return login(t, anon, base, email)
	}
	alice := register("alice@example.com")
	bob := register("bob@example.com")

	t.Run("tokens", func(t *testing.T) { checkForgedTokens(t, p, srv.url, alice) })
	t.Run("me", func(t *testing.T) {
		r := as(srv.url, alice.AccessToken).do(t, http.MethodGet, base+"/auth/me", nil)
		r.expect(t, http.StatusOK)
		if obj := r.object(t); obj["email"] != "alice@example.com" || obj["password_hash"] != nil || obj["password"] != nil {
			t.Errorf("%s: want alice's user without any password, got:\n%s", r.req, r.body)
		}
		expectUnauthorized(t, anon.do(t, http.MethodGet, base+"/auth/me", nil))
	})
	t.Run("refresh", func(t *testing.T) {
		first := login(t, anon, base, "alice@example.com")
		refresh := func(token string) *response {
			return anon.do(t, http.MethodPost, base+"/auth/refresh", map[string]any{"refresh_token": token})
		}
		r := refresh(first.RefreshToken)
		r.expect(t, http.StatusOK)
		second := decodePair(t, r)
		if second.RefreshToken == first.RefreshToken {
			t.Errorf("%s: the refresh token was not rotated", r.req)
		}
		as(srv.url, second.AccessToken).do(t, http.MethodGet, base+"/auth/me", nil).expect(t, http.StatusOK)
		// Reuse of a rotated token means it was stolen: the whole family
		// goes, including the pair issued from it.
		expectProblemOnly(t, refresh(first.RefreshToken), http.StatusUnauthorized)
		expectProblemOnly(t, refresh(second.RefreshToken), http.StatusUnauthorized)
		expectProblemOnly(t, refresh("not-a-refresh-token"), http.StatusUnauthorized)
		anon.do(t, http.MethodPost, base+"/auth/refresh", map[string]any{}).expectProblem(t, http.StatusBadRequest)
	})
	t.Run("logout", func(t *testing.T) {
		pair := login(t, anon, base, "alice@example.com")
		anon.do(t, http.MethodPost, base+"/auth/logout", map[string]any{"refresh_token": pair.RefreshToken}).expect(t, http.StatusNoContent)
		r := anon.do(t, http.MethodPost, base+"/auth/refresh", map[string]any{"refresh_token": pair.RefreshToken})
		expectProblemOnly(t, r, http.StatusUnauthorized)
		anon.do(t, http.MethodPost, base+"/auth/logout", map[string]any{"refresh_token": "unknown"}).expect(t, http.StatusNoContent)
	})
	t.Run("register", func(t *testing.T) {
		r := anon.do(t, http.MethodPost, base+"/auth/register", map[string]any{"email": "mallory@example.com", "password": authPassword, "role": "admin"})
		r.expectProblem(t, http.StatusBadRequest)
		r = anon.do(t, http.MethodPost, base+"/auth/register", map[string]any{"email": "short@example.com", "password": "short"})
		if p := r.expectProblem(t, http.StatusBadRequest); !strings.Contains(string(r.body), `"password"`) {
			t.Errorf("%s: want an error on field password, got %v", r.req, p)
		}
		r = anon.do(t, http.MethodPost, base+"/auth/register", map[string]any{"email": "alice@example.com", "password": authPassword})
		if r.expectProblem(t, http.StatusConflict); !strings.Contains(string(r.body), `"email"`) {
			t.Errorf("%s: want an error on field email:\n%s", r.req, r.body)
		}
		// The refused registration with a role must not have created anyone.
		expectProblemOnly(t, anon.do(t, http.MethodPost, base+"/auth/login",
			map[string]any{"email": "mallory@example.com", "password": authPassword}), http.StatusUnauthorized)
	})
	t.Run("login errors", func(t *testing.T) {
		unknown := anon.do(t, http.MethodPost, base+"/auth/login", map[string]any{"email": "nobody@example.com", "password": authPassword})
		wrong := anon.do(t, http.MethodPost, base+"/auth/login", map[string]any{"email": "alice@example.com", "password": authPassword + "!"})
		unknown.expectProblem(t, http.StatusUnauthorized)
		wrong.expectProblem(t, http.StatusUnauthorized)
		if u, w := withoutRequestID(t, unknown), withoutRequestID(t, wrong); u != w {
			t.Errorf("unknown email and wrong password answer differently:\n%s\n%s", u, w)
		}
	})
	t.Run("permissions", func(t *testing.T) {
		checkShopPermissions(t, srv.url, base, admin, staff, alice, bob)
	})
	t.Run("rate limit", func(t *testing.T) { checkAuthRateLimit(t, p) })
	srv.stop(t)
}

// expectProblemOnly is expectProblem for callers that do not need the body.
func expectProblemOnly(t *testing.T, r *response, status int) {
	t.Helper()
	r.expectProblem(t, status)
}

// withoutRequestID is a problem body without its request_id, which differs
// on every answer, re-encoded with sorted keys.
func withoutRequestID(t *testing.T, r *response) string {
	t.Helper()
	obj := r.object(t)
	delete(obj, "request_id")
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkShopPermissions spot-checks the permissions of shop: anonymous and
// customer writes to products, owner-scoped reviews, admin-only users.
func checkShopPermissions(t *testing.T, url, base string, admin, staff, alice, bob tokenPair) {
	anon := newClient(url)
	adm, stf := as(url, admin.AccessToken), as(url, staff.AccessToken)
	ali, bo := as(url, alice.AccessToken), as(url, bob.AccessToken)

	cat := adm.do(t, http.MethodPost, base+"/categories", map[string]any{"name": "Mugs", "slug": "mugs"})
	cat.expect(t, http.StatusCreated)
	catID := cat.object(t)["id"]
	product := map[string]any{"title": "Blue mug", "sku": "MUG-BLUE-01", "price": "12.50", "category_id": catID}

	expectUnauthorized(t, anon.do(t, http.MethodPost, base+"/products", product))
	ali.do(t, http.MethodPost, base+"/products", product).expectProblem(t, http.StatusForbidden)
	pr := stf.do(t, http.MethodPost, base+"/products", product)
	pr.expect(t, http.StatusCreated)
	productID := pr.object(t)["id"]
	anon.do(t, http.MethodGet, base+"/products/"+fmt.Sprint(productID), nil).expect(t, http.StatusOK)
	// delete: [admin] only.
	stf.do(t, http.MethodDelete, base+"/products/"+fmt.Sprint(productID), nil).expectProblem(t, http.StatusForbidden)

	expectUnauthorized(t, anon.do(t, http.MethodPost, base+"/reviews", map[string]any{"rating": 5, "product_id": productID}))
	rv := ali.do(t, http.MethodPost, base+"/reviews", map[string]any{"rating": 5, "title": "Great", "product_id": productID})
	rv.expect(t, http.StatusCreated)
	review := "/reviews/" + fmt.Sprint(rv.object(t)["id"])
	// Reviews are readable by anyone (read: [public]); writing someone
	// else's is owner-scoped, so bob is told it does not exist.
	bo.do(t, http.MethodGet, base+review, nil).expect(t, http.StatusOK)
	bo.do(t, http.MethodPatch, base+review, map[string]any{"rating": 1}).expectProblem(t, http.StatusNotFound)
	bo.do(t, http.MethodDelete, base+review, nil).expectProblem(t, http.StatusNotFound)
	stf.do(t, http.MethodPatch, base+review, map[string]any{"title": "Edited by staff"}).expect(t, http.StatusOK)
	// delete: [owner] puts every caller in owner scope, staff included.
	stf.do(t, http.MethodDelete, base+review, nil).expectProblem(t, http.StatusNotFound)
	ali.do(t, http.MethodPatch, base+review, map[string]any{"rating": 4}).expect(t, http.StatusOK)
	ali.do(t, http.MethodDelete, base+review, nil).expect(t, http.StatusNoContent)

	// Users: list and read are admin and staff; everything else admin.
	ali.do(t, http.MethodGet, base+"/users", nil).expectProblem(t, http.StatusForbidden)
	stf.do(t, http.MethodGet, base+"/users", nil).expect(t, http.StatusOK)
	stf.do(t, http.MethodPost, base+"/users", map[string]any{"email": "eve@example.com", "password": authPassword, "role": "admin"}).
		expectProblem(t, http.StatusForbidden)
	u := adm.do(t, http.MethodPost, base+"/users", map[string]any{"email": "carol@example.com", "password": authPassword, "role": "staff"})
	u.expect(t, http.StatusCreated)
	if obj := u.object(t); obj["password"] != nil || obj["password_hash"] != nil {
		t.Errorf("%s: the password is in the response:\n%s", u.req, u.body)
	}
	carol := login(t, anon, base, "carol@example.com")
	as(url, carol.AccessToken).do(t, http.MethodPost, base+"/categories", map[string]any{"name": "Plates", "slug": "plates"}).
		expect(t, http.StatusCreated)
}

// checkAuthRateLimit starts a second server on the same database with a
// limit of 5 logins a minute: the 6th answer is 429 with Retry-After.
func checkAuthRateLimit(t *testing.T, p *authProject) {
	srv := startServer(t, p.bin, p.dir, p.env("AUTH_RATE_LIMIT_PER_MINUTE=5", "AUTH_RATE_LIMIT_BURST=5"))
	c := newClient(srv.url)
	body := map[string]any{"email": "nobody@example.com", "password": authPassword}
	for i := range 5 {
		r := c.do(t, http.MethodPost, p.basePath+"/auth/login", body)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("login %d of 5: status %d, want 401 (within the limit):\n%s", i+1, r.status, r.body)
		}
	}
	r := c.do(t, http.MethodPost, p.basePath+"/auth/login", body)
	r.expectProblem(t, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("%s: Retry-After %q, want whole seconds between 1 and 60", r.req, r.header.Get("Retry-After"))
	}
	srv.stop(t)
}

// --- forged local tokens ---

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func b64JSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b64(b)
}

// signHMAC builds a JWS compact token signed with an HMAC.
func signHMAC(t *testing.T, h func() hash.Hash, key []byte, header, claims map[string]any) string {
	t.Helper()
	input := b64JSON(t, header) + "." + b64JSON(t, claims)
	m := hmac.New(h, key)
	m.Write([]byte(input))
	return input + "." + b64(m.Sum(nil))
}

// tokenClaims decodes the claims of a token without checking it.
func tokenClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("the access token is not a JWS compact token: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("the access token's claims are not base64url: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatalf("the access token's claims are not JSON: %v", err)
	}
	return claims
}

// checkForgedTokens sends tokens made by the test, knowing JWT_SECRET: one
// well-formed (it must work, which proves the forger right) and one broken
// in each way a verifier must catch (each must get 401).
func checkForgedTokens(t *testing.T, p *authProject, url string, user tokenPair) {
	claims := tokenClaims(t, user.AccessToken)
	if got, want := slices.Sorted(maps.Keys(claims)), []string{"aud", "exp", "iat", "iss", "nbf", "role", "sub"}; !slices.Equal(got, want) {
		t.Errorf("the access token carries the claims %v, want exactly %v", got, want)
	}
	aud := fmt.Sprint(claims["aud"])
	if claims["iss"] != authIssuer || (aud != authAudience && aud != "["+authAudience+"]") {
		t.Errorf("the access token has iss %v, aud %v; want JWT_ISSUER %s and JWT_AUDIENCE %s", claims["iss"], claims["aud"], authIssuer, authAudience)
	}
	secret := []byte(p.secret)
	sum := sha256.Sum256(secret)
	kid := base64.RawURLEncoding.EncodeToString(sum[:6])
	now := time.Now()
	fresh := func(edit func(map[string]any)) map[string]any {
		c := maps.Clone(claims)
		c["iat"], c["nbf"], c["exp"] = now.Unix(), now.Unix(), now.Add(10*time.Minute).Unix()
		if edit != nil {
			edit(c)
		}
		return c
	}
	hs256 := map[string]any{"alg": "HS256", "kid": kid}
	me := p.basePath + "/auth/me"

	good := signHMAC(t, sha256.New, secret, hs256, fresh(nil))
	if r := as(url, good).do(t, http.MethodGet, me, nil); r.status != http.StatusOK {
		t.Fatalf("a token the test signed like the server does is refused (%d), so the forgeries below prove nothing; check kid (the first 6 bytes of sha256(JWT_SECRET), base64url) and the claims:\n%s", r.status, r.body)
	}

	parts := strings.Split(user.AccessToken, ".")
	edited := maps.Clone(claims)
	edited["role"] = "admin"
	forged := map[string]string{
		"alg none": b64JSON(t, map[string]any{"alg": "none", "typ": "JWT"}) + "." + b64JSON(t, fresh(nil)) + ".",
		"alg none with kid": b64JSON(t, map[string]any{"alg": "none", "typ": "JWT", "kid": kid}) + "." +
			b64JSON(t, fresh(nil)) + "." + parts[2],
		"HS384":     signHMAC(t, sha512.New384, secret, map[string]any{"alg": "HS384", "typ": "JWT", "kid": kid}, fresh(nil)),
		"HS512":     signHMAC(t, sha512.New, secret, map[string]any{"alg": "HS512", "typ": "JWT", "kid": kid}, fresh(nil)),
		"wrong key": signHMAC(t, sha256.New, []byte(randomHex(t, 32)), hs256, fresh(nil)),
		"unknown kid": signHMAC(t, sha256.New, secret, map[string]any{"alg": "HS256", "typ": "JWT", "kid": "0123456789abcdef"},
			fresh(nil)),
		"expired": signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-time.Hour).Unix(), now.Add(-10*time.Minute).Unix()
		})),
		"nbf in the future": signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) {
			c["nbf"], c["exp"] = now.Add(10*time.Minute).Unix(), now.Add(20*time.Minute).Unix()
		})),
		"role edited to admin":  parts[0] + "." + b64JSON(t, edited) + "." + parts[2],
		"no exp":                signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) { delete(c, "exp") })),
		"no iat":                signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) { delete(c, "iat") })),
		"wrong iss":             signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) { c["iss"] = "someone-else" })),
		"wrong aud":             signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) { c["aud"] = "another-api" })),
		"role not in the roles": signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) { c["role"] = "superuser" })),
		"sub not a user id":     signHMAC(t, sha256.New, secret, hs256, fresh(func(c map[string]any) { c["sub"] = "x' OR 1=1" })),
		"garbage":               "garbage",
		"three garbage parts":   "a.b.c",
		"empty signature":       parts[0] + "." + parts[1] + ".",
		"signature of another":  parts[0] + "." + parts[1] + "." + strings.Split(good, ".")[2],
	}
	for _, name := range slices.Sorted(maps.Keys(forged)) {
		r := as(url, forged[name]).do(t, http.MethodGet, me, nil)
		if r.status != http.StatusUnauthorized {
			t.Errorf("token %s: %s answered %d, want 401:\n%s", name, r.req, r.status, r.body)
			continue
		}
		expectUnauthorized(t, r)
		if strings.Contains(string(r.body), forged[name]) {
			t.Errorf("token %s: the 401 body echoes the token", name)
		}
	}
	// A bad token is refused even where no token is needed.
	expectUnauthorized(t, as(url, forged["alg none"]).do(t, http.MethodGet, p.basePath+"/products", nil))
}

// randomHex returns n random bytes in hex.
func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// --- OIDC ---

// jwks serves a JSON Web Key Set that the test can change, counting fetches.
type jwks struct {
	mu      sync.Mutex
	keys    []map[string]any
	fetches int
}

func (j *jwks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/realms/ids/certs" {
		http.NotFound(w, r)
		return
	}
	j.mu.Lock()
	j.fetches++
	body, err := json.Marshal(map[string]any{"keys": j.keys})
	j.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (j *jwks) add(key map[string]any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys = append(j.keys, key)
}

func (j *jwks) count() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.fetches
}

func rsaJWK(kid string, k *rsa.PublicKey) map[string]any {
	return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}
}

func ecJWK(t *testing.T, kid string, k *ecdsa.PrivateKey) map[string]any {
	t.Helper()
	pub, err := k.PublicKey.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	b := pub.Bytes() // 0x04 || X || Y, 32 bytes each on P-256
	return map[string]any{"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
		"x": b64(b[1:33]), "y": b64(b[33:65])}
}

// signRS256 and signES256 build JWS compact tokens by hand.
func signRS256(t *testing.T, kid string, k *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	input := b64JSON(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": kid}) + "." + b64JSON(t, claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func signES256(t *testing.T, kid string, k *ecdsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	input := b64JSON(t, map[string]any{"alg": "ES256", "typ": "JWT", "kid": kid}) + "." + b64JSON(t, claims)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64) // JWS wants r || s, not ASN.1
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + b64(sig)
}

// checkOIDC serves a JWKS, points the ids server at it and sends tokens of
// that identity provider: RS256 and ES256, roles from realm_access.roles.
func checkOIDC(t *testing.T, p *authProject) {
	keys := &jwks{}
	idp := httptest.NewServer(keys)
	t.Cleanup(idp.Close)
	issuer := idp.URL + "/realms/ids"
	const audience = "ids-e2e-api"

	rsa1, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ec1, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keys.add(rsaJWK("rsa-1", &rsa1.PublicKey))
	keys.add(ecJWK(t, "ec-1", ec1))

	srv := startServer(t, p.bin, p.dir, p.env(
		"OIDC_ISSUER="+issuer, "OIDC_JWKS_URL="+idp.URL+"/realms/ids/certs", "OIDC_AUDIENCE="+audience))
	base := p.basePath
	now := time.Now()
	claims := func(sub, email string, roles []string, aud any) map[string]any {
		return map[string]any{
			"iss": issuer, "aud": aud, "sub": sub, "email": email, "azp": "ids-web",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
			"realm_access": map[string]any{"roles": roles},
		}
	}
	coach := signRS256(t, "rsa-1", rsa1, claims("kc-coach", "coach@example.com", []string{"coach"}, audience))
	player := signES256(t, "ec-1", ec1, claims("kc-player", "player@example.com", []string{"player"}, []any{audience, "account"}))

	c := as(srv.url, coach)
	me := c.do(t, http.MethodGet, base+"/auth/me", nil)
	me.expect(t, http.StatusOK)
	if obj := me.object(t); obj["email"] != "coach@example.com" || obj["role"] != "coach" {
		t.Errorf("%s: want the coach's user with role coach, got:\n%s", me.req, me.body)
	}
	team := c.do(t, http.MethodPost, base+"/teams", map[string]any{"name": "Reds"})
	team.expect(t, http.StatusCreated)
	teamPath := base + "/teams/" + fmt.Sprint(team.object(t)["id"])
	c.do(t, http.MethodGet, teamPath, nil).expect(t, http.StatusOK)

	pl := as(srv.url, player)
	pl.do(t, http.MethodGet, base+"/teams", nil).expect(t, http.StatusOK)
	pl.do(t, http.MethodPost, base+"/teams", map[string]any{"name": "Blues"}).expectProblem(t, http.StatusForbidden)
	// read: [owner, coach]: a player sees only own teams.
	pl.do(t, http.MethodGet, teamPath, nil).expectProblem(t, http.StatusNotFound)

	// Registration is closed in ids.
	newClient(srv.url).do(t, http.MethodPost, base+"/auth/register",
		map[string]any{"email": "x@example.com", "password": authPassword}).expectProblem(t, http.StatusNotFound)

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"wrong audience": signRS256(t, "rsa-1", rsa1, claims("kc-coach", "coach@example.com", []string{"coach"}, "another-api")),
		"expired": signRS256(t, "rsa-1", rsa1, func() map[string]any {
			c := claims("kc-coach", "coach@example.com", []string{"coach"}, audience)
			c["iat"], c["nbf"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-time.Hour).Unix(), now.Add(-10*time.Minute).Unix()
			return c
		}()),
		"wrong key, known kid":        signRS256(t, "rsa-1", other, claims("kc-coach", "coach@example.com", []string{"coach"}, audience)),
		"ES256 header on the RSA kid": signES256(t, "rsa-1", ec1, claims("kc-coach", "coach@example.com", []string{"coach"}, audience)),
	}
	for _, name := range slices.Sorted(maps.Keys(bad)) {
		r := as(srv.url, bad[name]).do(t, http.MethodGet, base+"/teams", nil)
		if r.status != http.StatusUnauthorized {
			t.Errorf("OIDC token with %s: %s answered %d, want 401:\n%s", name, r.req, r.status, r.body)
			continue
		}
		expectUnauthorized(t, r)
	}

	// Unknown kids refetch the JWKS, but not on every request.
	before := keys.count()
	for range 10 {
		r := as(srv.url, signRS256(t, "no-such-kid", other, claims("kc-x", "x@example.com", []string{"coach"}, audience))).
			do(t, http.MethodGet, base+"/teams", nil)
		expectUnauthorized(t, r)
	}
	if n := keys.count() - before; n > 1 {
		t.Errorf("10 tokens with an unknown kid fetched the JWKS %d times, want at most 1 (refetches are rate limited)", n)
	}

	// Rotation: the provider starts signing with a key served only from
	// now on; the server must pick it up (after its refetch interval).
	rsa2, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keys.add(rsaJWK("rsa-2", &rsa2.PublicKey))
	start := time.Now()
	for {
		now = time.Now()
		tok := signRS256(t, "rsa-2", rsa2, claims("kc-coach", "coach@example.com", []string{"coach"}, audience))
		r := as(srv.url, tok).do(t, http.MethodGet, base+"/teams", nil)
		if r.status == http.StatusOK {
			t.Logf("a token signed with the rotated-in key was accepted after %v", time.Since(start).Round(time.Second))
			break
		}
		if r.status != http.StatusUnauthorized || time.Since(start) > 75*time.Second {
			t.Fatalf("a token signed with a key added to the JWKS is still refused after %v: %d\n%s",
				time.Since(start).Round(time.Second), r.status, r.body)
		}
		time.Sleep(3 * time.Second)
	}
	// The old key still works while it is served.
	c.do(t, http.MethodGet, base+"/teams", nil).expect(t, http.StatusOK)
	srv.stop(t)
}

// fuzzAuthBodies runs the generated FuzzAuthBodies for a bounded time.
func fuzzAuthBodies(t *testing.T, p *authProject) {
	start := time.Now()
	out, ok := output(t, p.dir, nil, "go", "test", "-run", "^$", "-fuzz", "^FuzzAuthBodies$", "-fuzztime", "20s", "./internal/api")
	if ok {
		t.Logf("FuzzAuthBodies ran for %v:\n%s", time.Since(start).Round(time.Second), tail(out, 5))
	}
}
