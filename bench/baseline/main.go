// Command baseline is the hand-written server that generated servers are
// measured against (see bench/compare.sh and docs/benchmarks.md). It serves
// the notes of testdata/golden/one, the way an experienced Go developer
// would write it by hand with net/http and database/sql: the same driver,
// the same table and the same SQL as the generated server, and nothing the
// three benchmarked routes do not need.
//
//	GET  /api/v1/notes/{id}    one note
//	GET  /api/v1/notes         one page (?limit, default 20, ?offset)
//	POST /api/v1/notes         create; 201 with Location
//
// It reads PORT (8081) and DATABASE_URL (sqlite:PATH, postgres://... or
// mysql://...), and expects the notes table to exist: compare.sh creates it
// with the generated server's "migrate up". With PREPARE=1 it prepares its
// three statements once at start instead of sending their text each time.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
	"unicode/utf8"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	port := os.Getenv("PORT")
	if port == "" {
		port = "8081"
	}
	db, d, err := open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer db.Close()

	st, err := newStatements(ctx, db, d, os.Getenv("PREPARE") == "1")
	if err != nil {
		return err
	}
	defer st.close()
	s := &notes{db: st, d: d}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/notes/{id}", s.get)
	mux.HandleFunc("GET /api/v1/notes", s.list)
	mux.HandleFunc("POST /api/v1/notes", s.create)
	srv := &http.Server{
		Addr:              net.JoinHostPort("127.0.0.1", port),
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	slog.Info("listening", "addr", srv.Addr, "database", d.name, "prepared", len(st.prepared) > 0)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// note is one row of the notes table.
type note struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Body      *string   `json:"body"`
	Pinned    *bool     `json:"pinned"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// page is the answer of a list.
type page struct {
	Items   []note `json:"items"`
	Limit   int    `json:"limit"`
	Offset  int    `json:"offset"`
	HasMore bool   `json:"has_more"`
}

// notes serves the three routes.
type notes struct {
	db statements
	d  dialect
}

const queryTimeout = 5 * time.Second

func (s *notes) get(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		problem(w, http.StatusNotFound, "no such note")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	n, err := scanNote(s.db.QueryRowContext(ctx, s.d.get, id))
	if errors.Is(err, sql.ErrNoRows) {
		problem(w, http.StatusNotFound, "no such note")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

func (s *notes) list(w http.ResponseWriter, r *http.Request) {
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	// One row more than asked tells whether another page follows.
	rows, err := s.db.QueryContext(ctx, s.d.list, limit+1, offset)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rows.Close()
	items := make([]note, 0, limit+1)
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		items = append(items, n)
	}
	if err := rows.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	writeJSON(w, http.StatusOK, page{Items: items, Limit: limit, Offset: offset, HasMore: more})
}

// paging reads ?limit (1 to 100, default 20) and ?offset (default 0).
func paging(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	limit, offset = 20, 0
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			problem(w, http.StatusBadRequest, "limit must be an integer from 1 to 100")
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problem(w, http.StatusBadRequest, "offset must be a non-negative integer")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

func (s *notes) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title  *string `json:"title"`
		Body   *string `json:"body"`
		Pinned *bool   `json:"pinned"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		problem(w, http.StatusBadRequest, "the body is not a valid note: "+err.Error())
		return
	}
	switch {
	case in.Title == nil:
		problem(w, http.StatusBadRequest, "title is required")
		return
	case utf8.RuneCountInString(*in.Title) > 200:
		problem(w, http.StatusBadRequest, "title must be at most 200 characters")
		return
	}
	if in.Pinned == nil {
		in.Pinned = new(false)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	n := note{Title: *in.Title, Body: in.Body, Pinned: in.Pinned, CreatedAt: now, UpdatedAt: now}

	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id, err := s.d.insert(ctx, s.db, n.Title, n.Body, n.Pinned, s.d.timeArg(now), s.d.timeArg(now))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n.ID = id
	w.Header().Set("Location", "/api/v1/notes/"+strconv.FormatInt(id, 10))
	writeJSON(w, http.StatusCreated, n)
}

// fail logs an unexpected error and answers 500 without its text.
func (s *notes) fail(w http.ResponseWriter, r *http.Request, err error) {
	slog.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	problem(w, http.StatusInternalServerError, "internal error")
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanNote(row scanner) (note, error) {
	var n note
	err := row.Scan(&n.ID, &n.Title, &n.Body, &n.Pinned, timeScanner{&n.CreatedAt}, timeScanner{&n.UpdatedAt})
	return n, err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		problem(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

func problem(w http.ResponseWriter, status int, detail string) {
	data, _ := json.Marshal(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
