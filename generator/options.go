package generator

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/scaffold-dev/scaffold/templates"
)

// Option changes how Generate renders a project.
type Option func(*options)

// options are the settings Generate's options collect.
type options struct {
	overlay     fs.FS
	overlayName string // how errors name the overlay's root, e.g. "templates"
	license     string // license text, uncommented; "" for none
}

// WithOverlay renders with the templates of fsys on top of the built-in
// ones: a file at the same path (project/README.md.once.tmpl) shadows the
// built-in template, a new path adds a file to every generated project, and
// a file under partials/ may redefine any {{define}} block. Only *.tmpl
// files count; they must sit under project/, entity/ or partials/, like the
// built-in tree that `scaffold templates export` writes out.
//
// name is how errors refer to the root of fsys, usually the directory it
// was opened from: an override that fails to parse or execute is reported
// as a *TemplateError at name/PATH:LINE:COL, and Generate returns no files.
func WithOverlay(fsys fs.FS, name string) Option {
	return func(o *options) {
		o.overlay = fsys
		o.overlayName = name
	}
}

// WithLicenseHeader puts text, as a comment in each file's own syntax, at the
// top of every generated file that can carry a comment (Go, go.mod, SQL,
// YAML, TOML, shell, Markdown, .gitignore), above the "Code generated"
// line. JSON files cannot carry comments and are left as they are. text is
// plain: scaffold adds the comment markers.
func WithLicenseHeader(text string) Option {
	return func(o *options) { o.license = strings.TrimRight(text, " \t\r\n") }
}

// TemplateError is a user template (an overlay file) that failed to parse or
// to execute, at its position. Line and Column are 0 when unknown; text/
// template reports no column for parse errors.
type TemplateError struct {
	File    string
	Line    int
	Column  int
	Message string
}

// Error formats the problem as FILE:LINE:COL: message.
func (e *TemplateError) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// templateErrRE splits text/template's error text: "template: NAME:LINE:
// msg" for parse errors, "template: NAME:LINE:COL: msg" for execution.
var templateErrRE = regexp.MustCompile(`(?s)^template: ([^:]+):(\d+)(?::(\d+))?: (.*)$`)

// overlayError positions err in the overlay file it comes from, or returns
// nil when err does not come from an overlay template of ts.
func (ts *templateSet) overlayError(err error, during string) error {
	m := templateErrRE.FindStringSubmatch(err.Error())
	if m == nil || !ts.overlaid[m[1]] {
		return nil
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3]) // "" when absent: 0
	file := path.Join(ts.overlayName, m[1])
	// Messages may cite another position in the same template ("unclosed
	// action started at NAME:3"): name it the way the user knows it too.
	msg := strings.ReplaceAll(m[4], m[1]+":", file+":")
	if during != "" {
		msg += " (" + during + ")"
	}
	return &TemplateError{File: file, Line: line, Column: col, Message: msg}
}

// withOverlay returns a copy of ts with the templates of fsys parsed over it.
// ts itself, shared by every generation of the process, is not modified.
func (ts *templateSet) withOverlay(fsys fs.FS, name string) (*templateSet, error) {
	root, err := ts.tmpl.Clone()
	if err != nil {
		return nil, err
	}
	out := &templateSet{tmpl: root, overlaid: map[string]bool{}, overlayName: name}
	project := append([]string(nil), ts.project...)
	entity := append([]string(nil), ts.entity...)
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		top, _, _ := strings.Cut(p, "/")
		if top != "project" && top != "entity" && top != "partials" || !strings.Contains(p, "/") {
			return &TemplateError{File: path.Join(name, p), Message: "a template must sit under project/, entity/ or partials/; run `scaffold templates list` to see the layout"}
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out.overlaid[p] = true
		if _, err := root.New(p).Parse(string(src)); err != nil {
			if perr := out.overlayError(err, ""); perr != nil {
				return perr
			}
			return &TemplateError{File: path.Join(name, p), Message: err.Error()}
		}
		switch top {
		case "project":
			project = append(project, p)
		case "entity":
			entity = append(entity, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.project = sortedUnique(project)
	out.entity = sortedUnique(entity)
	return out, nil
}

// sortedUnique sorts names and drops repeats: an overlay file that shadows a
// built-in one renders once.
func sortedUnique(names []string) []string {
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// TemplateInfo describes one built-in template.
type TemplateInfo struct {
	// Path is the template's path in the template tree, the path an
	// override must have to shadow it, e.g. "project/README.md.once.tmpl".
	Path string
	// Output is the path of the file it renders in the project, with
	// "[entity]" for per-entity templates; "" for partials.
	Output    string
	Ownership Ownership
}

// Templates lists every built-in template in path order.
func Templates() ([]TemplateInfo, error) {
	var out []TemplateInfo
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		info := TemplateInfo{Path: p}
		if top, rest, _ := strings.Cut(p, "/"); top != "partials" {
			info.Output, info.Ownership = outputPath(rest)
		}
		out = append(out, info)
		return nil
	})
	return out, err
}

// commentSyntax returns how a file at out writes a comment block: a line
// prefix, or for Markdown the open and close markers of an HTML comment.
// ok is false for files that cannot carry a comment.
func commentSyntax(out string) (prefix, open, close string, ok bool) {
	switch base := path.Base(out); {
	case strings.HasSuffix(base, ".go"), base == "go.mod":
		return "//", "", "", true
	case strings.HasSuffix(base, ".sql"):
		return "--", "", "", true
	case base == ".gitignore", base == "Dockerfile", base == "Makefile", base == ".env.example",
		strings.HasSuffix(base, ".yaml"), strings.HasSuffix(base, ".yml"),
		strings.HasSuffix(base, ".toml"), strings.HasSuffix(base, ".sh"):
		return "#", "", "", true
	case strings.HasSuffix(base, ".md"):
		return "", "<!--", "-->", true
	}
	return "", "", "", false
}

// withLicense puts the license text, commented, at the top of content, after
// a shebang line if there is one. The blank line that follows keeps a Go
// license comment from becoming the package documentation.
func withLicense(out string, content []byte, license string) []byte {
	if license == "" {
		return content
	}
	prefix, open, closing, ok := commentSyntax(out)
	if !ok {
		return content
	}
	var b strings.Builder
	if open != "" {
		b.WriteString(open + "\n" + license + "\n" + closing + "\n")
	} else {
		for line := range strings.SplitSeq(license, "\n") {
			line = strings.TrimRight(line, " \t\r")
			if line == "" {
				b.WriteString(prefix + "\n")
			} else {
				b.WriteString(prefix + " " + line + "\n")
			}
		}
	}
	b.WriteString("\n")
	var shebang []byte
	if len(content) > 2 && content[0] == '#' && content[1] == '!' {
		end := len(content)
		for i, c := range content {
			if c == '\n' {
				end = i + 1
				break
			}
		}
		shebang, content = content[:end], content[end:]
	}
	res := make([]byte, 0, len(shebang)+b.Len()+len(content))
	res = append(res, shebang...)
	res = append(res, b.String()...)
	return append(res, content...)
}
