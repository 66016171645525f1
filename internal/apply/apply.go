// Package apply writes generated files to disk under a root directory.
//
// Writing happens in two steps so callers can look before they leap:
// Prepare inspects the root and decides, for every file, whether it will be
// created, overwritten, left unchanged or skipped; Plan.Apply then performs
// exactly those writes. A dry run prints the plan; regeneration can inspect
// and adjust it (for example to report conflicts against the manifest)
// before applying.
//
// Every write stays inside the root: paths are checked lexically (no
// absolute paths, no "..") and all file operations go through os.Root, so a
// symbolic link cannot redirect a write outside it. Each file is written to a
// temporary file in its own directory, synced, and renamed over the target,
// so a crash leaves either the old content or the new, never half of each.
package apply

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/scaffold-dev/scaffold/generator"
)

// Permissions of what apply creates; the process umask still applies.
const (
	DirPerm  fs.FileMode = 0o755
	FilePerm fs.FileMode = 0o644
)

// Action is what applying a plan does to one file.
type Action int

const (
	// Create writes a file that does not exist yet.
	Create Action = iota
	// Overwrite replaces a generated file whose content differs.
	Overwrite
	// Unchanged leaves a generated file whose content is already identical.
	Unchanged
	// Skip leaves an existing file scaffolded once: it belongs to the user.
	Skip
	// Delete removes a generated file that the new generation no longer
	// produces, such as the files of a removed entity.
	Delete
	// Conflict refuses to touch a generated file that the user edited since
	// it was generated; a plan with conflicts cannot be applied.
	Conflict
)

func (a Action) String() string {
	switch a {
	case Create:
		return "create"
	case Overwrite:
		return "overwrite"
	case Unchanged:
		return "unchanged"
	case Skip:
		return "skip"
	case Delete:
		return "delete"
	case Conflict:
		return "conflict"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Writes reports whether the action writes the file.
func (a Action) Writes() bool { return a == Create || a == Overwrite }

// Changes reports whether the action changes the disk, or would if it were
// not a conflict: what a drift check counts.
func (a Action) Changes() bool { return a == Create || a == Overwrite || a == Delete || a == Conflict }

// Change is the decision for one file.
type Change struct {
	File   *generator.File
	Action Action
	// OldHash is the hex SHA-256 of the regular file that a generated file
	// replaces or matches, "" otherwise. Regeneration compares it with the
	// manifest to tell a user's edit from a previous generation.
	OldHash string
	// Edited marks a generated file the user edited since the previous
	// generation: a Conflict, or, when regeneration was forced, the
	// Overwrite or Delete that discards the edit.
	Edited bool
}

// Plan is the list of changes that writing a set of files under Root makes,
// in the order the files were given. After Apply it is the report of what
// was done.
type Plan struct {
	Root    string
	Changes []Change
}

// Count returns how many changes have the action a.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, c := range p.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// Prepare decides what writing files under root would do, reading the root
// but writing nothing. The root need not exist (every file is then created).
// Generated files are created, overwritten, or left alone when identical;
// files scaffolded once are created only when absent and skipped otherwise.
// Prepare fails, before anything is written, on a path that is not a clean
// relative path inside root, on a repeated path, on a path that is a
// directory on disk, and on a symbolic link that leads outside root.
func Prepare(root string, files []*generator.File) (*Plan, error) {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if err := CheckPath(f.Path); err != nil {
			return nil, err
		}
		if seen[f.Path] {
			return nil, fmt.Errorf("%s: listed twice in the files to write", f.Path)
		}
		seen[f.Path] = true
	}

	plan := &Plan{Root: root, Changes: make([]Change, 0, len(files))}
	r, err := os.OpenRoot(root)
	if errors.Is(err, fs.ErrNotExist) {
		for _, f := range files {
			plan.Changes = append(plan.Changes, Change{File: f, Action: Create})
		}
		return plan, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening output directory: %w", err)
	}
	defer r.Close()

	for _, f := range files {
		c, err := decide(r, f)
		if err != nil {
			return nil, err
		}
		plan.Changes = append(plan.Changes, c)
	}
	return plan, nil
}

// decide compares one file with what is on disk.
func decide(r *os.Root, f *generator.File) (Change, error) {
	c := Change{File: f}
	name := filepath.FromSlash(f.Path)
	fi, err := r.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Action = Create
		return c, nil
	case err != nil:
		return c, fmt.Errorf("%s: %w", f.Path, unwrapPathError(err))
	case fi.IsDir():
		return c, fmt.Errorf("%s: a directory is in the way of this file; move it away or choose another output directory", f.Path)
	case f.Ownership == generator.Once:
		c.Action = Skip
		return c, nil
	case !fi.Mode().IsRegular():
		// Never read through a link or a device: the rename replaces the
		// entry itself.
		c.Action = Overwrite
		return c, nil
	}
	old, err := r.ReadFile(name)
	if err != nil {
		return c, fmt.Errorf("%s: %w", f.Path, unwrapPathError(err))
	}
	sum := sha256.Sum256(old)
	c.OldHash = hex.EncodeToString(sum[:])
	if bytes.Equal(old, f.Content) {
		c.Action = Unchanged
	} else {
		c.Action = Overwrite
	}
	return c, nil
}

// Conflicts returns the changes whose action is Conflict.
func (p *Plan) Conflicts() []Change {
	var out []Change
	for _, c := range p.Changes {
		if c.Action == Conflict {
			out = append(out, c)
		}
	}
	return out
}

// Apply performs the plan: it creates the root if needed, deletes the files
// to delete, then writes every file whose action writes, in order, each one
// atomically. Deleting first means the last file written (the manifest, by
// convention) is written only once everything else is done. Apply refuses a
// plan with conflicts, writing nothing. It stops at the first error, which
// names the file, and when ctx is cancelled between files.
func (p *Plan) Apply(ctx context.Context) error {
	if n := p.Count(Conflict); n > 0 {
		return fmt.Errorf("%d files were edited since they were generated; nothing was written", n)
	}
	if err := os.MkdirAll(p.Root, DirPerm); err != nil {
		return fmt.Errorf("creating output directory: %w", err)
	}
	r, err := os.OpenRoot(p.Root)
	if err != nil {
		return fmt.Errorf("opening output directory: %w", err)
	}
	defer r.Close()
	for _, c := range p.Changes {
		if c.Action != Delete {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := removeFile(r, c.File.Path); err != nil {
			return fmt.Errorf("deleting %s: %w", c.File.Path, err)
		}
	}
	for _, c := range p.Changes {
		if !c.Action.Writes() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeFile(r, c.File.Path, c.File.Content); err != nil {
			return fmt.Errorf("writing %s: %w", c.File.Path, err)
		}
	}
	return nil
}

// Write prepares and applies in one step, returning the applied plan as the
// report of what was created, overwritten, left unchanged and skipped.
func Write(ctx context.Context, root string, files []*generator.File) (*Plan, error) {
	plan, err := Prepare(root, files)
	if err != nil {
		return nil, err
	}
	if err := plan.Apply(ctx); err != nil {
		return nil, err
	}
	return plan, nil
}

// CheckPath reports whether p is a path apply may write: slash-separated,
// relative, clean (no "." or ".." elements, no empty elements), and local on
// every operating system (no drive letters or reserved Windows names).
func CheckPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty output path")
	case strings.Contains(p, `\`):
		return fmt.Errorf("%s: output paths are slash-separated; a backslash is not allowed", p)
	case path.IsAbs(p):
		return fmt.Errorf("%s: output path is absolute; it must be relative to the output directory", p)
	case path.Clean(p) != p:
		return fmt.Errorf("%s: output path is not clean (expected %s)", p, path.Clean(p))
	case !filepath.IsLocal(filepath.FromSlash(p)):
		return fmt.Errorf("%s: output path leaves the output directory", p)
	}
	return nil
}

// writeFile writes data to name atomically: a temporary file in the same
// directory (so the rename cannot cross file systems) is written, synced,
// and renamed over name.
func writeFile(r *os.Root, name string, data []byte) error {
	dir, base := path.Split(name)
	if dir != "" {
		if err := r.MkdirAll(filepath.FromSlash(dir), DirPerm); err != nil {
			return unwrapPathError(err)
		}
	}
	tmp := filepath.FromSlash(dir + "." + base + ".tmp-" + rand.Text())
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FilePerm)
	if err != nil {
		return unwrapPathError(err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = r.Rename(tmp, filepath.FromSlash(name))
	}
	if err != nil {
		_ = r.Remove(tmp) // best effort: the write already failed
		return unwrapPathError(err)
	}
	return nil
}

// removeFile removes name, then each parent directory it leaves empty, up
// to the root: the files of a removed entity leave no empty directories.
func removeFile(r *os.Root, name string) error {
	if err := r.Remove(filepath.FromSlash(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return unwrapPathError(err)
	}
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		// Remove fails on a directory that still has entries, which ends
		// the walk: that directory and its parents stay.
		if r.Remove(filepath.FromSlash(dir)) != nil {
			break
		}
	}
	return nil
}

// unwrapPathError drops the *fs.PathError or *os.LinkError wrapper, whose
// path is relative to the root and repeats the name the caller prints.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
