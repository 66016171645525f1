package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

const (
	// concurrentRows is how many rows are created, then updated, at once.
	concurrentRows = 1000
	// concurrentWorkers bounds the requests in flight, as a busy client
	// pool would.
	concurrentWorkers = 64
	// concurrentBudget bounds the whole check, so that a server that
	// deadlocks fails the case instead of hanging the suite.
	concurrentBudget = 3 * time.Minute
	// sampleBase numbers the samples of this check apart from those of
	// driveAPI, so unique fields do not collide with its rows.
	sampleBase = 1_000_000
)

// checkConcurrency creates concurrentRows rows of one entity from
// concurrentWorkers goroutines, each worker updating the row it has just
// created to a value no other row gets, so creates and updates overlap. It
// then checks that no request got a 5xx, that the row count grew by the
// number of 201 answers, and that every row reads back with its own update.
func checkConcurrency(t *testing.T, c *client, p *schema.Project) {
	view, err := generator.NewProjectView(p)
	if err != nil {
		t.Fatal(err)
	}
	e, field := concurrencyTarget(view)
	if e == nil {
		t.Fatal("no entity has a mutable string field to update; give the schema one")
	}
	f := &fixtures{c: c, view: view, n: map[string]int{}, parents: map[string]any{}}
	path := f.path(e)
	parents := map[string]any{}
	for _, b := range e.BelongsTo {
		if b.Schema.Required {
			parents[b.Column] = f.parent(t, b.Target)
		}
	}
	before := countRows(t, c, path)

	ctx, cancel := context.WithTimeout(t.Context(), concurrentBudget)
	defer cancel()
	base := &http.Transport{MaxIdleConnsPerHost: concurrentWorkers}
	defer base.CloseIdleConnections()
	hc := &http.Client{Timeout: 30 * time.Second, Transport: base}
	if c.token != "" {
		hc.Transport = bearer{token: c.token, next: base}
	}

	type result struct {
		id      string // empty unless the create answered 201
		want    string // the value the update wrote
		created int    // status of the create
		updated int    // status of the update, 0 if not sent
		err     error
	}
	results := make([]result, concurrentRows)
	start := time.Now()
	parallel(concurrentRows, func(i int) {
		r := &results[i]
		body := generator.SampleObject(e.Schema, sampleBase+i)
		for col, id := range parents {
			body[col] = id
		}
		var obj map[string]any
		r.created, obj, r.err = send(ctx, hc, http.MethodPost, c.base+path, body)
		if r.err != nil || r.created != http.StatusCreated {
			return
		}
		r.id = fmt.Sprint(obj["id"])
		r.want = updateValue(field, i)
		r.updated, _, r.err = send(ctx, hc, http.MethodPatch, c.base+path+"/"+r.id, map[string]any{field.Name: r.want})
	})
	t.Logf("%d creates and updates of %s from %d workers in %v", concurrentRows, e.Name, concurrentWorkers, time.Since(start).Round(time.Millisecond))

	var created int
	statuses := map[string]int{}
	for i, r := range results {
		if r.err != nil {
			t.Errorf("row %d: %v", i, r.err)
			continue
		}
		statuses["POST "+strconv.Itoa(r.created)]++
		if r.created == http.StatusCreated {
			created++
			statuses["PATCH "+strconv.Itoa(r.updated)]++
		}
	}
	for s, n := range statuses {
		if !slices.Contains([]string{"POST 201", "PATCH 200"}, s) {
			t.Errorf("%d answers %s, want every POST 201 and every PATCH 200", n, s)
		}
	}
	if got := countRows(t, c, path) - before; got != created {
		t.Errorf("%s grew by %d rows, but %d creates answered 201", path, got, created)
	}

	// Every row must hold the value its own update wrote.
	lost := make([]string, concurrentRows)
	parallel(concurrentRows, func(i int) {
		r := results[i]
		if r.id == "" || r.updated != http.StatusOK {
			return
		}
		status, obj, err := send(ctx, hc, http.MethodGet, c.base+path+"/"+r.id, nil)
		switch {
		case err != nil:
			lost[i] = err.Error()
		case status != http.StatusOK:
			lost[i] = fmt.Sprintf("GET %s/%s: status %d", path, r.id, status)
		case fmt.Sprint(obj[field.Name]) != r.want:
			lost[i] = fmt.Sprintf("%s %s: %s = %v, want %q", e.Name, r.id, field.Name, obj[field.Name], r.want)
		}
	})
	lost = slices.DeleteFunc(lost, func(s string) bool { return s == "" })
	for _, s := range lost[:min(len(lost), 10)] {
		t.Error(s)
	}
	if len(lost) > 10 {
		t.Errorf("... and %d more rows without their update", len(lost)-10)
	}
}

// concurrencyTarget picks the first entity with a mutable, plain string
// field whose samples differ from row to row, and that field. Entities are
// in schema order, so the choice is stable.
func concurrencyTarget(view *generator.ProjectView) (*generator.EntityView, *generator.FieldView) {
	for _, e := range view.Entities {
		if e.Schema.System {
			continue // users: creating one hashes a password, on purpose slow
		}
		for _, fv := range e.Fields {
			s := fv.Schema
			if s.Immutable || s.Sensitive || (s.Type != schema.String && s.Type != schema.Text) {
				continue
			}
			if updateValue(fv, 0) != updateValue(fv, 1) {
				return e, fv
			}
		}
	}
	return nil, nil
}

// updateValue is the value the update of row i writes: a valid sample of
// the field, numbered apart from the samples used to create rows.
func updateValue(fv *generator.FieldView, i int) string {
	return fmt.Sprint(generator.SampleValue(fv.Schema, 2*sampleBase+i))
}

// parallel calls fn(0) to fn(n-1) from concurrentWorkers goroutines.
func parallel(n int, fn func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range concurrentWorkers {
		wg.Go(func() {
			for i := range jobs {
				fn(i)
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// send is a request that is safe to make from any goroutine: it reports
// failures as errors instead of failing the test. It returns the status and
// the decoded body of a 2xx JSON answer.
func send(ctx context.Context, hc *http.Client, method, url string, body any) (int, map[string]any, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading the body: %w", method, url, err)
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, nil, nil
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: body is not a JSON object (%v): %s", method, url, err, data)
	}
	return resp.StatusCode, obj, nil
}

// countRows returns the total of a list, as ?total=true reports it.
func countRows(t *testing.T, c *client, path string) int {
	t.Helper()
	resp := c.do(t, http.MethodGet, path+"?total=true&limit=1", nil)
	resp.expect(t, http.StatusOK)
	total, ok := resp.object(t)["total"].(json.Number)
	if !ok {
		t.Fatalf("%s: no numeric total:\n%s", resp.req, resp.body)
	}
	n, err := total.Int64()
	if err != nil {
		t.Fatalf("%s: total %v: %v", resp.req, total, err)
	}
	return int(n)
}
