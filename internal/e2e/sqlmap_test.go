package e2e

import (
	"bytes"
	"cmp"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the deliberately injectable server of the positive control

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// sqlmapArgs bound every sqlmap run: level 3 and risk 2 test the query,
// body and header parameters with most payloads, using boolean-based blind,
// error-based, UNION and stacked-query techniques (BEUS). Time-based blind
// injection (T) is left out: it costs seconds per payload, and an injection
// that shows in no other way is not what these JSON routes would give.
var sqlmapArgs = []string{
	"--batch", "--disable-coloring", "--level", "3", "--risk", "2",
	"--threads", "4", "--time-sec", "2", "--technique", "BEUS",
	// The WAF probe sends an unknown query parameter, which the API
	// rightly refuses with 400; sqlmap would take that for a firewall.
	"--skip-waf",
}

// sqlmapDBsEnv lists the databases TestSQLMap attacks (default sqlite).
const sqlmapDBsEnv = "SCAFFOLD_SQLMAP_DBS"

// TestSQLMap runs sqlmap against a generated server with auth (shop, on
// SQLite unless SCAFFOLD_SQLMAP_DBS says more): every list endpoint with every filter, operator
// filter, sort, limit and offset, every get by id, and JSON bodies of
// creates and the auth routes, as an admin. Any injectable parameter fails
// the test. A positive control first checks that this harness does detect
// an injectable server.
func TestSQLMap(t *testing.T) {
	skipUnlessServersRun(t, "sqlmap")
	bin, err := exec.LookPath("sqlmap")
	if err != nil {
		msg := "sqlmap is not on PATH; install it with: apt-get install -y sqlmap"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	start := time.Now()
	defer func() { t.Logf("sqlmap suite: %v in total", time.Since(start).Round(time.Second)) }()

	if !t.Run("positive control", func(t *testing.T) { sqlmapPositiveControl(t, bin) }) {
		t.Fatal("sqlmap found nothing in a server built to be injectable: a clean result below would prove nothing")
	}
	if !caseSelected("shop") {
		t.Skipf("%s does not select shop", casesEnv)
	}
	scaffold := buildScaffold(t)
	for _, db := range selectDatabases(t) {
		// The stores run the same parameterised statements on every
		// database, so one database finds SQL built from input; each run
		// takes about six minutes. SCAFFOLD_SQLMAP_DBS=sqlite,postgres,mysql
		// attacks more.
		if !slices.Contains(strings.Split(cmp.Or(os.Getenv(sqlmapDBsEnv), "sqlite"), ","), db.name) {
			continue
		}
		t.Run(db.name, func(t *testing.T) {
			serverURL := db.serverURL(t)
			p := buildAuthProject(t, scaffold, db, serverURL, "shop", authShopSchema)
			sqlmapShop(t, bin, p)
		})
	}
}

// sqlmapFinding matches what sqlmap prints about an injectable parameter.
var sqlmapFinding = regexp.MustCompile(`(?m)identified the following injection point|^Parameter: .+$|` +
	`parameter '[^']*' (is|appears to be) '[^']*' injectable|parameter '[^']*' is vulnerable|might be injectable`)

// sqlmapClean is sqlmap's conclusion when it tested everything and found
// nothing; without it a run that stopped early would pass.
const sqlmapClean = "all tested parameters do not appear to be injectable"

// sqlmapTarget is one sqlmap run.
type sqlmapTarget struct {
	name string
	url  string
	data string   // a JSON body for POST; empty for GET
	skip []string // parameters not to test (tested by another run)
	// ignore lists status codes that are the route's normal answer to a
	// changed value (401 for a wrong password); sqlmap stops at a 401
	// unless told.
	ignore []string
}

// runSQLMap runs sqlmap once and returns its output and the findings in it.
func runSQLMap(t *testing.T, bin string, tg sqlmapTarget, headers []string) (string, []string) {
	t.Helper()
	args := slices.Concat(sqlmapArgs, []string{"-u", tg.url, "--output-dir", t.TempDir()})
	if tg.data != "" {
		args = append(args, "--data", tg.data)
		headers = append(headers, "Content-Type: application/json")
	}
	if len(headers) > 0 {
		args = append(args, "--headers", strings.Join(headers, "\n"))
	}
	if len(tg.skip) > 0 {
		args = append(args, "--skip", strings.Join(tg.skip, ","))
	}
	if len(tg.ignore) > 0 {
		args = append(args, "--ignore-code", strings.Join(tg.ignore, ","))
	}
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // sqlmap keeps history and sessions under HOME
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("sqlmap on %s: %v\n%s", tg.name, err, out.Bytes())
	}
	t.Logf("sqlmap on %s: %v", tg.name, time.Since(start).Round(100*time.Millisecond))
	return out.String(), sqlmapFinding.FindAllString(out.String(), -1)
}

// sqlmapPositiveControl serves a tiny API that builds its SQL by
// concatenating input (a query parameter, a path segment and a JSON field),
// and requires sqlmap to report each of them injectable.
func sqlmapPositiveControl(t *testing.T, bin string) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "control.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
		INSERT INTO items (name) VALUES ('apple'), ('banana'), ('cherry')`); err != nil {
		t.Fatal(err)
	}
	// list answers the rows of a query built by the caller; a failed query
	// is a bare 500, as a careful server would answer, so that sqlmap has
	// to work for it rather than read database errors.
	list := func(w http.ResponseWriter, q string) {
		rows, err := db.Query(q)
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		var items []map[string]any
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			items = append(items, map[string]any{"id": id, "name": name})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"items": items})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		list(w, "SELECT id, name FROM items WHERE name = '"+r.URL.Query().Get("name")+"'")
	})
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		list(w, "SELECT id, name FROM items WHERE id = "+r.PathValue("id"))
	})
	mux.HandleFunc("POST /search", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Name string `json:"name"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		list(w, "SELECT id, name FROM items WHERE name = '"+body.Name+"'")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	for _, tg := range []sqlmapTarget{
		{name: "control query parameter", url: srv.URL + "/items?name=apple"},
		{name: "control path segment", url: srv.URL + "/items/1*"},
		{name: "control JSON body", url: srv.URL + "/search", data: `{"name":"apple"}`},
	} {
		out, findings := runSQLMap(t, bin, tg, []string{"Authorization: Bearer control"})
		if len(findings) == 0 {
			t.Errorf("sqlmap did not find the injectable %s:\n%s", tg.name, tail(out, 40))
		} else {
			t.Logf("%s: sqlmap reports %q", tg.name, findings)
		}
	}
}

// sqlmapShop serves the shop project, seeds a row of every entity as an
// admin and attacks every endpoint.
func sqlmapShop(t *testing.T, bin string, p *authProject) {
	loaded, err := schema.Load(filepath.Join(repoRoot, authShopSchema))
	if err != nil {
		t.Fatal(err)
	}
	view, err := generator.NewProjectView(loaded)
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, p.bin, p.dir, p.env("ACCESS_TOKEN_TTL=2h", "LOG_LEVEL=error"))
	p.createUser(t, "admin@example.com", "admin")
	token := login(t, newClient(srv.url), p.basePath, "admin@example.com").AccessToken
	adm := as(srv.url, token)
	f := &fixtures{c: adm, view: view, n: map[string]int{}, parents: map[string]any{}}

	var targets []sqlmapTarget
	for i, e := range view.Entities {
		obj := f.create(t, e)
		path := srv.url + f.path(e)
		list := sqlmapTarget{name: "GET " + f.path(e), url: path + "?" + listQuery(e, obj)}
		get := sqlmapTarget{name: "GET " + f.path(e) + "/{id}", url: path + "/" + fmt.Sprint(obj["id"]) + "*"}
		// User-Agent, Referer and Host reach no SQL; they are tested on
		// the first entity's list only, to keep the run short.
		if i > 0 {
			list.skip = []string{"user-agent", "referer", "host"}
		}
		get.skip = []string{"user-agent", "referer", "host"}
		targets = append(targets, list, get)
		if e.Name == "Product" || e.Name == "Review" {
			body := generator.SampleObject(e.Schema, 1000)
			for _, b := range e.BelongsTo {
				if b.Schema.Required {
					body[b.Column] = f.parent(t, b.Target)
				}
			}
			data, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			targets = append(targets, sqlmapTarget{name: "POST " + f.path(e), url: path, data: string(data),
				skip: []string{"user-agent", "referer", "host"}})
		}
	}
	for _, route := range []struct{ path, data, ignore string }{
		{"/auth/login", `{"email":"admin@example.com","password":"` + authPassword + `"}`, "401"},
		{"/auth/register", `{"email":"sqlmap@example.com","password":"` + authPassword + `","display_name":"Map"}`, ""},
		{"/auth/refresh", `{"refresh_token":"dGhpcyBpcyBub3QgYSByZWZyZXNoIHRva2Vu"}`, "401"},
	} {
		tg := sqlmapTarget{name: "POST " + p.basePath + route.path, url: srv.url + p.basePath + route.path,
			data: route.data, skip: []string{"user-agent", "referer", "host"}}
		if route.ignore != "" {
			tg.ignore = []string{route.ignore}
		}
		targets = append(targets, tg)
	}

	headers := []string{"Authorization: Bearer " + token}
	start := time.Now()
	for _, tg := range targets {
		if tg.data == "" {
			// The unaltered request must succeed, or sqlmap would be
			// comparing error pages.
			r := adm.do(t, http.MethodGet, strings.TrimPrefix(strings.TrimSuffix(tg.url, "*"), srv.url), nil)
			if r.status != http.StatusOK {
				t.Errorf("%s: the unaltered request answers %d, so sqlmap would test nothing useful:\n%s", tg.name, r.status, r.body)
				continue
			}
		}
		out, findings := runSQLMap(t, bin, tg, headers)
		switch {
		case len(findings) > 0:
			t.Errorf("sqlmap reports an injection in %s: %q\n%s", tg.name, findings, tail(out, 60))
		case !strings.Contains(out, sqlmapClean):
			t.Errorf("sqlmap on %s did not finish with %q:\n%s", tg.name, sqlmapClean, tail(out, 40))
		}
	}
	t.Logf("sqlmap: %d targets against the generated server in %v", len(targets), time.Since(start).Round(time.Second))
	srv.stop(t)
}

// listQuery is a query string with every list parameter of e: equality and
// operator filters on each filterable field (with obj's values), foreign
// keys, sort, limit and offset.
func listQuery(e *generator.EntityView, obj map[string]any) string {
	q := url.Values{}
	for _, fv := range e.Fields {
		s := fv.Schema
		v, ok := obj[fv.Name]
		if !s.Filterable || !ok || v == nil || s.Type == schema.JSON || s.Sensitive {
			continue
		}
		value := fmt.Sprint(v)
		q.Set(fv.Name, value)
		switch s.Type {
		case schema.String, schema.Text:
			q.Set(fv.Name+"[contains]", value)
		case schema.Int, schema.Float, schema.Decimal, schema.Date, schema.Time:
			q.Set(fv.Name+"[gte]", value)
		case schema.Enum:
			q.Set(fv.Name+"[in]", value)
		}
	}
	for _, b := range e.BelongsTo {
		if v := obj[b.Column]; v != nil {
			q.Set(b.Column, fmt.Sprint(v))
		}
	}
	q.Set("sort", "-id")
	q.Set("limit", "5")
	q.Set("offset", "0")
	return q.Encode()
}
