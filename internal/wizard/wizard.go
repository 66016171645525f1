// Package wizard builds a schema file by asking questions: the project, its
// auth and roles, then each entity with its fields, relations and
// permissions.
//
// Every answer is checked by the schema package itself: the wizard renders
// the schema as it would be with the answer, runs schema.Parse on it, and
// shows the problems the answer introduced, asking again. So the rules live
// in one place, and no invalid schema can come out of a session.
package wizard

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scaffold-dev/scaffold/internal/naming"
	"github.com/scaffold-dev/scaffold/internal/prompt"
	"github.com/scaffold-dev/scaffold/internal/schemaedit"
	"github.com/scaffold-dev/scaffold/schema"
)

// ErrDeclined is returned when the user does not confirm the summary.
var ErrDeclined = errors.New("schema not confirmed; nothing was written")

// Options are the starting point of a session.
type Options struct {
	// File is the name the schema will be written to; it names the schema
	// in messages.
	File string
	// Name, Module and Database are the defaults offered (from a directory
	// name or flags); all may be empty.
	Name, Module, Database string
	// Out receives the summary shown before the final confirmation.
	Out io.Writer
}

// Result is the schema a session built.
type Result struct {
	Spec    *schemaedit.Project
	Source  []byte          // the rendered schema file
	Project *schema.Project // Source, parsed and validated
}

// Run asks the questions and returns the schema built. It returns
// prompt.ErrInterrupted if the user presses Ctrl-C, and ErrDeclined if they
// do not confirm the summary.
func Run(p prompt.Prompter, opts Options) (*Result, error) {
	if opts.File == "" {
		opts.File = "scaffold.yaml"
	}
	w := &wizard{p: p, opts: opts, draft: &schemaedit.Project{}, render: schemaedit.Render}
	if err := w.project(); err != nil {
		return nil, err
	}
	for {
		if err := w.entity(); err != nil {
			return nil, err
		}
		more, err := p.Confirm("Add another entity?", false)
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	src, err := schemaedit.Render(w.draft)
	if err != nil {
		return nil, err
	}
	proj, err := schema.Parse(opts.File, src)
	if err != nil {
		// Every answer was checked, so this is a bug, not a user error.
		return nil, fmt.Errorf("the schema built from your answers is invalid; this is a bug in scaffold, please report it:\n%w", err)
	}
	if opts.Out != nil {
		fmt.Fprintf(opts.Out, "\n%s\n", Summary(w.draft))
	}
	ok, err := p.Confirm("Write "+opts.File+"?", true)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrDeclined
	}
	return &Result{Spec: w.draft, Source: src, Project: proj}, nil
}

// wizard is one session. The entity and field being asked about are always
// the last ones of the draft.
type wizard struct {
	p     prompt.Prompter
	opts  Options
	draft *schemaedit.Project
	// render writes the draft as the schema file to check: the whole file
	// for init; an existing file with the draft's entity spliced in for add.
	render func(*schemaedit.Project) ([]byte, error)
}

func (w *wizard) project() error {
	name, err := w.p.Input("Project name (lower-case, e.g. shop):", projectName(w.opts.Name), w.check(func(p *schemaedit.Project, a string) { p.Name = a }))
	if err != nil {
		return err
	}
	w.draft.Name = name
	module := w.opts.Module
	if module == "" {
		module = name
	}
	w.draft.Module, err = w.p.Input("Go module path (e.g. github.com/acme/"+name+"):", module, w.check(func(p *schemaedit.Project, a string) { p.Module = a }))
	if err != nil {
		return err
	}
	db := w.opts.Database
	if db == "" {
		db = string(schema.SQLite)
	}
	w.draft.Database, err = w.p.Select("Database:", names(schema.Databases), db)
	if err != nil {
		return err
	}
	auth, err := w.p.Confirm("Add user accounts with login (auth)?", false)
	if err != nil || !auth {
		return err
	}
	w.draft.Auth = &schemaedit.Auth{}
	roles, err := w.p.Input("Roles, separated by commas (admin may always do everything):", "admin, user", w.check(func(p *schemaedit.Project, a string) {
		p.Auth.Roles = splitList(a)
	}))
	if err != nil {
		return err
	}
	w.draft.Auth.Roles = splitList(roles)
	if len(w.draft.Auth.Roles) > 1 {
		w.draft.Auth.DefaultRole, err = w.p.Select("Role of users who register themselves:", w.draft.Auth.Roles, w.draft.Auth.Roles[len(w.draft.Auth.Roles)-1])
	}
	return err
}

func (w *wizard) entity() error {
	name, err := w.p.Input("Entity name (PascalCase, singular, e.g. Product):", "", w.check(func(p *schemaedit.Project, a string) {
		p.Entities = append(p.Entities, &schemaedit.Entity{Name: a})
	}, required("an entity name")))
	if err != nil {
		return err
	}
	e := &schemaedit.Entity{Name: name}
	w.draft.Entities = append(w.draft.Entities, e)
	if w.draft.Auth != nil {
		if e.Owned, err = w.p.Confirm(fmt.Sprintf("Does each %s belong to the user who creates it (owned)?", name), false); err != nil {
			return err
		}
	}
	for {
		done, err := w.field(e, true)
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	for {
		more, err := w.p.Confirm(fmt.Sprintf("Add a relation from %s to an entity?", name), false)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		if err := w.relation(e); err != nil {
			return err
		}
	}
	if w.draft.Auth != nil {
		return w.permissions(e)
	}
	return nil
}

// Fields asks for fields to add to entity in the schema file src (named
// file), until the user enters an empty name, and returns them. When
// newEntity is true the entity does not exist yet and at least one field is
// asked for; its fields are checked as those of a new entity appended to
// entities. Each answer is checked against the whole file.
func Fields(p prompt.Prompter, file string, src []byte, entity string, newEntity bool) ([]*schemaedit.Field, error) {
	render := func(d *schemaedit.Project) ([]byte, error) {
		e := last(d)
		if newEntity {
			return schemaedit.AddEntity(src, e)
		}
		out := src
		for _, f := range e.Fields {
			var err error
			if out, err = schemaedit.AddField(out, entity, f); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	e := &schemaedit.Entity{Name: entity}
	w := &wizard{p: p, opts: Options{File: file}, draft: &schemaedit.Project{Entities: []*schemaedit.Entity{e}}, render: render}
	for {
		done, err := w.field(e, newEntity)
		if err != nil {
			return nil, err
		}
		if done {
			return e.Fields, nil
		}
	}
}

// field asks for one field of e; done is true when the user ends the list.
func (w *wizard) field(e *schemaedit.Entity, needOne bool) (done bool, err error) {
	msg := fmt.Sprintf("Field of %s (snake_case, e.g. title; empty when done):", e.Name)
	name, err := w.p.Input(msg, "", func(a string) error {
		if a == "" {
			if needOne && len(e.Fields) == 0 {
				return fmt.Errorf("add at least one field to %s", e.Name)
			}
			return nil
		}
		return w.check(func(p *schemaedit.Project, a string) {
			last(p).Fields = append(last(p).Fields, &schemaedit.Field{Name: a, Type: "text"})
		})(a)
	})
	if err != nil || name == "" {
		return name == "", err
	}
	typ, err := w.p.Select(fmt.Sprintf("Type of %s:", name), names(schema.FieldTypes), string(schema.String))
	if err != nil {
		return false, err
	}
	f := &schemaedit.Field{Name: name, Type: typ}
	e.Fields = append(e.Fields, f)
	return false, w.constraints(f)
}

// constraints asks for the options f's type allows, each checked as it is
// given.
func (w *wizard) constraints(f *schemaedit.Field) error {
	t := schema.FieldType(f.Type)
	if t == schema.Enum {
		if err := w.option(f, "values", "Values, separated by commas (e.g. draft, active):", ""); err != nil {
			return err
		}
	}
	required, err := w.p.Confirm(fmt.Sprintf("Is %s required?", f.Name), false)
	if err != nil {
		return err
	}
	if required {
		f.Set("required", "true")
	}
	if uniqueAllowed(t) {
		unique, err := w.p.Confirm(fmt.Sprintf("Must %s be unique?", f.Name), false)
		if err != nil {
			return err
		}
		if unique {
			f.Set("unique", "true")
		}
	}
	var asks [][2]string // option, question
	switch t {
	case schema.String:
		asks = [][2]string{{"max_length", "Maximum length in characters (empty: 255):"}, {"min_length", "Minimum length (empty: none):"}, {"pattern", "Pattern, an RE2 regular expression (empty: none):"}}
	case schema.Text:
		asks = [][2]string{{"max_length", "Maximum length in characters (empty: none):"}, {"min_length", "Minimum length (empty: none):"}}
	case schema.Int, schema.Float:
		asks = [][2]string{{"min", "Minimum (empty: none):"}, {"max", "Maximum (empty: none):"}}
	case schema.Decimal:
		asks = [][2]string{{"precision", "Precision, total digits (empty: 18):"}, {"scale", "Scale, digits after the point (empty: 2):"}, {"min", "Minimum (empty: none):"}, {"max", "Maximum (empty: none):"}}
	}
	for _, a := range asks {
		if err := w.option(f, a[0], a[1], ""); err != nil {
			return err
		}
	}
	if t == schema.String {
		format, err := w.p.Select("Format:", []string{"none", "email", "url"}, "none")
		if err != nil {
			return err
		}
		if format != "none" {
			f.Set("format", format)
		}
	}
	if t != schema.JSON {
		q := "Default value (empty: none):"
		if t == schema.Enum {
			q = fmt.Sprintf("Default value, one of %s (empty: none):", f.Option("values"))
		}
		return w.option(f, "default", q, "")
	}
	return nil
}

// option asks for option key of f; an empty answer leaves it out.
func (w *wizard) option(f *schemaedit.Field, key, question, def string) error {
	set := func(f *schemaedit.Field, a string) {
		if key == "values" {
			f.SetList(key, splitList(a))
		} else {
			f.Set(key, a)
		}
	}
	validate := func(a string) error {
		if a == "" {
			if key == "values" {
				return errors.New("an enum needs at least one value")
			}
			return nil
		}
		return w.check(func(p *schemaedit.Project, a string) { set(lastField(p), a) })(a)
	}
	a, err := w.p.Input(f.Name+": "+question, def, validate)
	if err != nil || a == "" {
		return err
	}
	set(f, a)
	return nil
}

// relation asks for one relation of e. Targets are the entities so far.
func (w *wizard) relation(e *schemaedit.Entity) error {
	var targets []string
	for _, t := range w.draft.Entities {
		targets = append(targets, t.Name)
	}
	target, err := w.p.Select("Related entity:", targets, "")
	if err != nil {
		return err
	}
	kind, err := w.p.Select(fmt.Sprintf("Each %s ... %s:", e.Name, target), []string{"belongs_to", "many_to_many"}, "belongs_to")
	if err != nil {
		return err
	}
	r := &schemaedit.Relation{Kind: kind, Target: target}
	def := naming.Snake(target)
	if kind == string(schema.ManyToMany) {
		def = naming.Plural(def)
	}
	r.Name, err = w.p.Input("Relation name (snake_case):", def, w.check(func(p *schemaedit.Project, a string) {
		rel := *r
		rel.Name = a
		last(p).Relations = append(last(p).Relations, &rel)
	}, required("a relation name")))
	if err != nil {
		return err
	}
	if kind == string(schema.BelongsTo) {
		// A required relation can close a cycle of required relations, so
		// the answer is checked like any other.
		q := fmt.Sprintf("Is %s required?", r.Name)
		for {
			if r.Required, err = w.p.Confirm(q, false); err != nil {
				return err
			}
			problem := w.check(func(p *schemaedit.Project, _ string) {
				rel := *r
				last(p).Relations = append(last(p).Relations, &rel)
			})("")
			if problem == nil {
				break
			}
			q = fmt.Sprintf("%v. Is %s required?", problem, r.Name)
		}
		onDelete := []string{string(schema.Restrict), string(schema.Cascade)}
		if !r.Required {
			onDelete = append(onDelete, string(schema.SetNull))
		}
		q = fmt.Sprintf("When a %s is deleted, its %s rows:", target, e.Name)
		if r.OnDelete, err = w.p.Select(q, onDelete, string(schema.Restrict)); err != nil {
			return err
		}
		if r.OnDelete == string(schema.Restrict) {
			r.OnDelete = "" // the default; keep the file short
		}
	}
	e.Relations = append(e.Relations, r)
	return nil
}

// permissions asks who may perform each action on e, if the user wants to
// change the default (any logged-in user).
func (w *wizard) permissions(e *schemaedit.Entity) error {
	set, err := w.p.Confirm(fmt.Sprintf("Choose who may list, read, create, update and delete %s? (default: any logged-in user)", e.Name), false)
	if err != nil || !set {
		return err
	}
	words := []string{schema.PermPublic, schema.PermAuthenticated}
	if e.Owned {
		words = append(words, schema.PermOwner)
	}
	words = append(words, w.draft.Auth.Roles...)
	for _, action := range schema.Actions {
		validate := func(a string) error {
			if a == "" {
				return errors.New("choose at least one")
			}
			return w.check(func(p *schemaedit.Project, a string) {
				last(p).Permissions = append(last(p).Permissions, schemaedit.Permission{Action: string(action), Words: splitList(a)})
			})(a)
		}
		chosen, err := w.p.MultiSelect(fmt.Sprintf("Who may %s %s?", action, e.Name), words, []string{schema.PermAuthenticated}, validate)
		if err != nil {
			return err
		}
		e.Permissions = append(e.Permissions, schemaedit.Permission{Action: string(action), Words: chosen})
	}
	return nil
}

// check returns a Validator that applies an answer to a copy of the draft
// and reports the problems schema.Parse finds that the draft did not have.
// pre validators run first.
func (w *wizard) check(apply func(p *schemaedit.Project, answer string), pre ...prompt.Validator) prompt.Validator {
	return func(answer string) error {
		for _, v := range pre {
			if err := v(answer); err != nil {
				return err
			}
		}
		before := w.problems(w.draft)
		trial := clone(w.draft)
		apply(trial, answer)
		var added []string
		for _, msg := range w.problems(trial) {
			if !slices.Contains(before, msg) && !slices.Contains(added, msg) {
				added = append(added, msg)
			}
		}
		if len(added) > 0 {
			return errors.New(strings.Join(added, "; "))
		}
		return nil
	}
}

// problems returns the messages of schema.Parse for p, without positions:
// they would point into a file the user has not seen.
func (w *wizard) problems(p *schemaedit.Project) []string {
	src, err := w.render(p)
	if err != nil {
		return []string{err.Error()}
	}
	_, err = schema.Parse(w.opts.File, src)
	var list schema.ErrorList
	if errors.As(err, &list) {
		msgs := make([]string, len(list))
		for i, e := range list {
			msgs[i] = e.Message
		}
		return msgs
	}
	if err != nil {
		return []string{err.Error()}
	}
	return nil
}

// Summary describes a schema in a few lines, for the final confirmation.
func Summary(p *schemaedit.Project) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Project %s (module %s, database %s)\n", p.Name, p.Module, p.Database)
	if p.Auth != nil {
		fmt.Fprintf(&b, "  auth: roles %s", strings.Join(p.Auth.Roles, ", "))
		if p.Auth.DefaultRole != "" {
			fmt.Fprintf(&b, "; users who register get %s", p.Auth.DefaultRole)
		}
		b.WriteString("\n")
	}
	for _, e := range p.Entities {
		fmt.Fprintf(&b, "  %s", e.Name)
		if e.Owned {
			b.WriteString(" (owned)")
		}
		b.WriteString("\n")
		for _, f := range e.Fields {
			fmt.Fprintf(&b, "    %s\n", f)
		}
		for _, r := range e.Relations {
			fmt.Fprintf(&b, "    %s: %s %s", r.Name, r.Kind, r.Target)
			if r.Required {
				b.WriteString(", required")
			}
			if r.OnDelete != "" {
				fmt.Fprintf(&b, ", on_delete %s", r.OnDelete)
			}
			b.WriteString("\n")
		}
		for _, perm := range e.Permissions {
			fmt.Fprintf(&b, "    %s: %s\n", perm.Action, strings.Join(perm.Words, ", "))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// uniqueAllowed reports whether unique is worth offering for t: the format
// rejects it on text and json, and it makes no sense on bool.
func uniqueAllowed(t schema.FieldType) bool {
	return t != schema.Text && t != schema.JSON && t != schema.Bool
}

func required(what string) prompt.Validator {
	return func(a string) error {
		if a == "" {
			return fmt.Errorf("enter %s", what)
		}
		return nil
	}
}

// last returns the entity being asked about.
func last(p *schemaedit.Project) *schemaedit.Entity { return p.Entities[len(p.Entities)-1] }

// lastField returns the field being asked about.
func lastField(p *schemaedit.Project) *schemaedit.Field {
	e := last(p)
	return e.Fields[len(e.Fields)-1]
}

// clone returns a deep copy of p, for trying an answer out.
func clone(p *schemaedit.Project) *schemaedit.Project {
	c := *p
	if p.Auth != nil {
		a := *p.Auth
		a.Roles = slices.Clone(a.Roles)
		c.Auth = &a
	}
	c.Entities = make([]*schemaedit.Entity, len(p.Entities))
	for i, e := range p.Entities {
		ce := *e
		ce.Fields = make([]*schemaedit.Field, len(e.Fields))
		for j, f := range e.Fields {
			cf := *f
			cf.Options = make([]schemaedit.Option, len(f.Options))
			for k, o := range f.Options {
				o.List = slices.Clone(o.List)
				cf.Options[k] = o
			}
			ce.Fields[j] = &cf
		}
		ce.Relations = make([]*schemaedit.Relation, len(e.Relations))
		for j, r := range e.Relations {
			cr := *r
			ce.Relations[j] = &cr
		}
		ce.Permissions = make([]schemaedit.Permission, len(e.Permissions))
		for j, perm := range e.Permissions {
			perm.Words = slices.Clone(perm.Words)
			ce.Permissions[j] = perm
		}
		c.Entities[i] = &ce
	}
	return &c
}

// splitList splits a comma-separated answer, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// projectName turns a directory name into a default project name.
func projectName(dir string) string {
	return naming.Kebab(dir)
}

func names[T ~string](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = string(it)
	}
	return out
}
