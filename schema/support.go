package schema

// CheckSupported reports the parts of a valid schema that this version of
// scaffold cannot generate yet, as an ErrorList positioned like the errors of
// Load. The schema format runs ahead of the generator: a file that uses such a
// part is valid (Load accepts it and scaffold validate passes) but generating
// it would produce a project that fails its own tests, so the generator calls
// this before it renders anything.
//
// Today that is authentication: owned entities and permissions need auth
// enabled, so refusing auth covers them too.
func CheckSupported(p *Project) error {
	e := errs{file: p.File}
	if p.Auth.Enabled {
		e.add(p.Auth.Pos, "auth: generating authentication is not supported by this version of scaffold yet; remove the auth section or set enabled: false")
	}
	return e.err()
}
