package generator

import (
	"github.com/scaffold-dev/scaffold/internal/naming"
	"github.com/scaffold-dev/scaffold/schema"
)

// ProjectView is the data of project templates (templates/project): the
// schema's project with every name and setting computed for Go and SQL, so
// templates only print.
type ProjectView struct {
	Schema      *schema.Project
	Name        string // binary and image name
	Module      string // Go module path
	Database    string // sqlite | postgres | mysql
	BasePath    string // e.g. /api/v1
	PageSize    int
	MaxPageSize int
	AuthEnabled bool
	Versions    Versions
	Entities    []*EntityView
}

// EntityView is the data of entity templates (templates/entity).
type EntityView struct {
	Project  *ProjectView
	Schema   *schema.Entity
	Name     string // Go type name, e.g. OrderItem
	FileName string // snake_case, replaces [entity] in template paths
}

// NewProjectView computes the view model of a validated project.
func NewProjectView(p *schema.Project) (*ProjectView, error) {
	v := &ProjectView{
		Schema:      p,
		Name:        p.Name,
		Module:      p.Module,
		Database:    string(p.Database),
		BasePath:    p.API.BasePath,
		PageSize:    p.API.PageSize,
		MaxPageSize: p.API.MaxPageSize,
		AuthEnabled: p.Auth.Enabled,
		Versions:    pinnedVersions(),
	}
	for _, e := range p.Entities {
		v.Entities = append(v.Entities, &EntityView{
			Project:  v,
			Schema:   e,
			Name:     naming.Pascal(e.Name),
			FileName: naming.Snake(e.Name),
		})
	}
	return v, nil
}
