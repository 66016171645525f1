// Package templates holds the embedded templates that scaffold renders into a
// generated project.
//
// Layout, which the generator discovers by walking the tree:
//
//   - project/<path>.tmpl renders once per project to <path>.
//   - entity/<path>.tmpl renders once per entity; the segment "[entity]" in
//     the path becomes the entity's snake_case name.
//   - partials/**.tmpl hold only {{define}} blocks shared by the others;
//     dialect variants are named "<dialect>/<name>" and chosen by computed
//     template names.
//
// A file whose name ends in ".once.tmpl" is scaffolded once: written when
// absent and never overwritten, because users edit it. Every other file is
// generated and rewritten on each run. A template that renders to nothing
// but white space produces no file, which is how optional files are skipped.
package templates

import "embed"

// FS holds every template. The all: prefix keeps dotfiles such as
// project/.gitignore.tmpl.
//
//go:embed all:project all:entity all:partials
var FS embed.FS
