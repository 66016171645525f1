package apply

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/manifest"
)

// PrepareRegeneration decides what regenerating a project under root with
// files does, given prev, the manifest of the generation on disk. It reads
// the root but writes nothing. On top of Prepare's decisions it applies the
// ownership rules that protect a user's work:
//
//   - a generated file whose content on disk differs from both the new
//     content and the hash prev records (or that prev does not record: a
//     file the user created where a generated one now goes) was edited by
//     the user: it becomes a Conflict;
//   - a generated file that prev records but files no longer contains (the
//     files of a removed entity) is deleted when its content still matches
//     prev, and is a Conflict when the user edited it;
//   - files scaffolded once, and files prev does not record, are never
//     deleted.
//
// With force, edited files are overwritten or deleted instead, and marked
// Edited so the report can say so. The manifest itself (manifest.Path) is
// scaffold's own record and is rewritten without a check.
func PrepareRegeneration(root string, files []*generator.File, prev *manifest.Manifest, force bool) (*Plan, error) {
	plan, err := Prepare(root, files)
	if err != nil {
		return nil, err
	}
	for i := range plan.Changes {
		c := &plan.Changes[i]
		if c.Action != Overwrite || c.File.Ownership != generator.Generated || c.File.Path == manifest.Path {
			continue
		}
		if rec, ok := prev.Lookup(c.File.Path); ok && rec.SHA256 == c.OldHash {
			continue // untouched since the previous generation
		}
		c.Edited = true
		if !force {
			c.Action = Conflict
		}
	}

	kept := make(map[string]bool, len(files))
	for _, f := range files {
		kept[f.Path] = true
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("opening project directory: %w", err)
	}
	defer r.Close()
	for _, rec := range prev.Files {
		if kept[rec.Path] || rec.Path == manifest.Path {
			continue
		}
		if err := CheckPath(rec.Path); err != nil {
			return nil, fmt.Errorf("%s lists a file scaffold cannot have written: %w", manifest.Path, err)
		}
		c, ok, err := decideStale(r, rec, force)
		if err != nil {
			return nil, err
		}
		if ok {
			plan.Changes = append(plan.Changes, c)
		}
	}
	return plan, nil
}

// decideStale decides what happens to a file the previous generation wrote
// and the new one does not: ok is false when there is nothing to do because
// it is already gone.
func decideStale(r *os.Root, rec manifest.File, force bool) (c Change, ok bool, err error) {
	c = Change{File: &generator.File{Path: rec.Path, Ownership: generator.Generated}, Action: Delete}
	name := filepath.FromSlash(rec.Path)
	fi, err := r.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c, false, nil
	case err != nil:
		return c, false, fmt.Errorf("%s: %w", rec.Path, unwrapPathError(err))
	case fi.IsDir():
		// The user made a directory of that name: it is theirs.
		return c, false, nil
	case fi.Mode().IsRegular():
		old, err := r.ReadFile(name)
		if err != nil {
			return c, false, fmt.Errorf("%s: %w", rec.Path, unwrapPathError(err))
		}
		sum := sha256.Sum256(old)
		c.OldHash = hex.EncodeToString(sum[:])
	}
	if c.OldHash != rec.SHA256 {
		c.Edited = true
		if !force {
			c.Action = Conflict
		}
	}
	return c, true, nil
}
