package e2e

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// The deploy suite checks the files that ship and run a generated project:
// Dockerfile, .dockerignore, compose.yaml, Kubernetes manifests, the Cloud
// Run service, the ECS task definition, the CI workflow and the Makefile.
// No container engine or cluster runs here, so each file is checked as far
// as it can be offline:
//
//   - Dockerfile: dockerfile-utils lint (npm) must report nothing, the
//     policy of dockerfilePolicy holds, and the build stage's RUN commands
//     are executed on this machine, producing a static binary.
//   - Kubernetes: every manifest decodes strictly (unknown fields are
//     errors) into the k8s.io/api type of its kind, the kustomization lists
//     exactly the manifests, the wiring holds (probes, security context,
//     migration Job, selectors), and kube-score passes with warnings as
//     failures.
//   - Cloud Run: strict decoding into the Knative Service shape, with the
//     containers and volumes as k8s.io/api types (Cloud Run's YAML uses them).
//   - ECS: strict decoding into the fields of RegisterTaskDefinition that
//     the file uses, with their published JSON names and types, plus the
//     Fargate rules that the API would enforce.
//   - .github/workflows/ci.yml: actionlint (with shellcheck when installed).
//   - Makefile: make -n for every documented target.
//
// The linters are installed by .ci/run. Locally a missing one skips the
// suite naming the command that installs it; with CI=true it fails.

// deployTools are the linters the suite runs, with how to install them.
var deployTools = []struct{ name, install string }{
	{"actionlint", "go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"},
	{"kube-score", "go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0"},
	{"dockerfile-utils", "npm install -g dockerfile-utils@0.16.3"},
	{"make", "apt-get install make"},
}

func TestDeployFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("deploy files: runs linters and builds every project; skipped with -short")
	}
	for _, tool := range deployTools {
		if _, err := exec.LookPath(tool.name); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed; .ci/run must install it: %s", tool.name, tool.install)
			}
			t.Skipf("%s is not installed; install it with: %s", tool.name, tool.install)
		}
	}
	cases := selectCases(t, findCases(t))
	for _, c := range cases {
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, db := range []schema.Database{schema.SQLite, schema.Postgres, schema.MySQL} {
			t.Run(c.name+"/"+string(db), func(t *testing.T) {
				p, err := schema.ParseWithOverrides(c.file, data, schema.Overrides{Database: db})
				if err != nil {
					t.Fatalf("loading %s for %s:\n%v", c.file, db, err)
				}
				dir := writeProject(t, p)
				t.Run("dockerfile", func(t *testing.T) { checkDockerfile(t, dir) })
				t.Run("dockerignore", func(t *testing.T) { checkDockerignore(t, dir) })
				t.Run("compose", func(t *testing.T) { checkCompose(t, dir, p) })
				t.Run("kubernetes", func(t *testing.T) { checkKubernetes(t, dir, p) })
				t.Run("cloudrun", func(t *testing.T) { checkCloudRun(t, dir, p) })
				t.Run("ecs", func(t *testing.T) { checkECS(t, dir, p) })
				t.Run("workflow", func(t *testing.T) { checkWorkflow(t, dir, p) })
				t.Run("makefile", func(t *testing.T) { checkMakefile(t, dir) })
				// Building is the slow part and the same for every
				// database: once per schema is enough.
				if db == schema.SQLite {
					t.Run("build stage", func(t *testing.T) { runBuildStage(t, dir) })
				}
			})
		}
	}
}

// writeProject generates p in memory and writes it to a temporary
// directory, as scaffold new would, without resolving modules.
func writeProject(t *testing.T, p *schema.Project) string {
	t.Helper()
	fs, err := generator.Generate(p)
	if err != nil {
		t.Fatalf("generating: %v", err)
	}
	dir := t.TempDir()
	for _, f := range fs.Files {
		out := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tool runs a linter in dir and fails the test with its output when it
// exits non-zero or, with quiet, prints anything at all.
func tool(t *testing.T, dir string, quiet bool, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || (quiet && len(bytes.TrimSpace(out)) > 0) {
		t.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("the generated project has no %s: %v", name, err)
	}
	return data
}

// decodeStrict decodes YAML (or JSON) into v, failing on unknown fields.
func decodeStrict(t *testing.T, name string, data []byte, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// --- Dockerfile ---

// instruction is one Dockerfile instruction with its continuation lines
// joined.
type instruction struct {
	cmd  string // upper case, e.g. RUN
	args string
}

// stage is one FROM section of a Dockerfile.
type stage struct {
	from, name string
	body       []instruction
}

// parseDockerfile splits a Dockerfile into stages. It handles comments and
// line continuations, which is all the generated file uses.
func parseDockerfile(src string) []stage {
	var stages []stage
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			return
		}
		if len(stages) > 0 {
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if body, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

// secretName matches variable names that hold credentials.
var secretName = regexp.MustCompile(`(?i)secret|password|passwd|token|credential|api_?key|private_?key`)

// dockerfilePolicy returns what the Dockerfile does against the rules of
// issue 7 that a syntax linter does not know: pinned base images, a static
// non-root distroless (or scratch) runtime, no secrets in ENV or ARG, a
// health check, and a static, trimmed build.
func dockerfilePolicy(src string) []string {
	var problems []string
	stages := parseDockerfile(src)
	if len(stages) < 2 {
		return []string{"not a multi-stage build"}
	}
	for _, s := range stages {
		ref := s.from
		if i := strings.LastIndex(ref, "/"); i >= 0 {
			ref = ref[i+1:]
		}
		_, tag, hasTag := strings.Cut(ref, ":")
		if !strings.Contains(s.from, "@sha256:") && (!hasTag || tag == "latest") {
			problems = append(problems, fmt.Sprintf("FROM %s: pin the image to a tag or digest", s.from))
		}
	}
	final := stages[len(stages)-1]
	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") && final.from != "scratch" {
		problems = append(problems, fmt.Sprintf("runtime image %s: use distroless static or scratch", final.from))
	}
	var user string
	var healthcheck bool
	for _, s := range stages {
		for _, in := range s.body {
			switch in.cmd {
			case "ENV", "ARG":
				for _, kv := range strings.Fields(in.args) {
					name, value, _ := strings.Cut(kv, "=")
					if secretName.MatchString(name) {
						problems = append(problems, fmt.Sprintf("%s %s: secrets must not be baked into the image", in.cmd, name))
					}
					if name == "DATABASE_URL" && !strings.HasPrefix(value, "sqlite:") {
						problems = append(problems, fmt.Sprintf("%s %s: a server URL carries credentials", in.cmd, name))
					}
				}
			}
		}
	}
	for _, in := range final.body {
		switch in.cmd {
		case "USER":
			user = in.args
		case "HEALTHCHECK":
			healthcheck = true
		}
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "0" || u == "root" {
		problems = append(problems, "the runtime stage must set a non-root USER")
	}
	if !healthcheck {
		problems = append(problems, "the runtime stage has no HEALTHCHECK")
	}
	build := strings.Join(buildCommands(stages[0]), "\n")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "go build"} {
		if !strings.Contains(build, want) {
			problems = append(problems, "the build stage does not run "+want)
		}
	}
	return problems
}

// mountFlag matches the BuildKit RUN flags, which only matter to BuildKit.
var mountFlag = regexp.MustCompile(`--mount=\S+\s*`)

// buildCommands returns the shell commands of the RUN instructions of s,
// without their BuildKit flags.
func buildCommands(s stage) []string {
	var cmds []string
	for _, in := range s.body {
		if in.cmd == "RUN" {
			cmds = append(cmds, strings.TrimSpace(mountFlag.ReplaceAllString(in.args, "")))
		}
	}
	return cmds
}

func checkDockerfile(t *testing.T, dir string) {
	tool(t, dir, true, "dockerfile-utils", "lint", "Dockerfile")
	for _, p := range dockerfilePolicy(string(readFile(t, dir, "Dockerfile"))) {
		t.Error("Dockerfile: " + p)
	}
}

func TestDockerfilePolicyCatchesProblems(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "deploy", "bad.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	got := dockerfilePolicy(string(src))
	want := []string{
		"FROM golang: pin the image to a tag or digest",
		"FROM debian:latest: pin the image to a tag or digest",
		"runtime image debian:latest: use distroless static or scratch",
		"ARG GITHUB_TOKEN: secrets must not be baked into the image",
		"ENV JWT_SECRET: secrets must not be baked into the image",
		"ENV DATABASE_URL: a server URL carries credentials",
		"the runtime stage must set a non-root USER",
		"the runtime stage has no HEALTHCHECK",
		"the build stage does not run CGO_ENABLED=0",
		"the build stage does not run -trimpath",
	}
	if !slices.Equal(got, want) {
		t.Errorf("dockerfilePolicy:\n got %q\nwant %q", got, want)
	}
}

// runBuildStage runs the Dockerfile's build stage on this machine: the
// project's go.sum is resolved first (users commit it; scaffold new writes
// it), then each RUN command of the first stage runs in the project
// directory with the stage's ARG defaults, /out mapped to a temporary
// directory. Every path the runtime stage copies from the build stage must
// then exist, and the binary must be statically linked.
func runBuildStage(t *testing.T, dir string) {
	src := string(readFile(t, dir, "Dockerfile"))
	stages := parseDockerfile(src)
	build, final := stages[0], stages[len(stages)-1]

	tidy := exec.CommandContext(t.Context(), "go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}

	out := filepath.Join(t.TempDir(), "out")
	env := os.Environ()
	for _, in := range build.body {
		if in.cmd == "ARG" || in.cmd == "ENV" {
			for _, kv := range strings.Fields(in.args) {
				if strings.Contains(kv, "=") {
					env = append(env, kv)
				}
			}
		}
	}
	for _, cmdline := range buildCommands(build) {
		cmdline = strings.ReplaceAll(cmdline, "/out/", out+"/")
		cmd := exec.CommandContext(t.Context(), "sh", "-ec", cmdline)
		cmd.Dir, cmd.Env = dir, env
		if res, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("RUN %s: %v\n%s", cmdline, err, res)
		}
	}

	var copied int
	for _, in := range final.body {
		if in.cmd != "COPY" || !strings.Contains(in.args, "--from="+build.name) {
			continue
		}
		f := strings.Fields(in.args)
		from := f[len(f)-2]
		path := strings.Replace(from, "/out", out, 1)
		if _, err := os.Stat(path); err != nil {
			t.Errorf("COPY %s: the build stage did not produce it", from)
		}
		copied++
	}
	if copied == 0 {
		t.Errorf("the runtime stage copies nothing from the %s stage", build.name)
	}

	bin := filepath.Join(out, "server")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("the build stage produced no ELF binary at /out/server: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("/out/server is dynamically linked; the runtime image has no C library")
		}
	}
	help := exec.CommandContext(t.Context(), bin, "-h")
	if res, err := help.CombinedOutput(); err != nil || !bytes.HasPrefix(res, []byte("Usage: ")) {
		t.Errorf("server -h: %v\n%s", err, res)
	}
}

func checkDockerignore(t *testing.T, dir string) {
	ignored := map[string]bool{}
	for _, line := range strings.Split(string(readFile(t, dir, ".dockerignore")), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			ignored[strings.TrimPrefix(line, "/")] = true
		}
	}
	for _, must := range []string{".git", ".env", ".env.*", "*.db"} {
		if !ignored[must] {
			t.Errorf(".dockerignore does not exclude %s", must)
		}
	}
	for _, need := range []string{"go.mod", "go.sum", "cmd", "internal", "migrations", "api"} {
		if ignored[need] {
			t.Errorf(".dockerignore excludes %s, which the build needs", need)
		}
	}
}

// --- compose.yaml ---

// composeFile is the part of the Compose specification the generated file
// uses, with the specification's field names.
type composeFile struct {
	Name     string                    `json:"name"`
	Services map[string]composeService `json:"services"`
	Volumes  map[string]*struct{}      `json:"volumes"`
}

type composeService struct {
	Build       string            `json:"build"`
	Image       string            `json:"image"`
	Ports       []string          `json:"ports"`
	Environment map[string]string `json:"environment"`
	Volumes     []string          `json:"volumes"`
	DependsOn   map[string]struct {
		Condition string `json:"condition"`
	} `json:"depends_on"`
	ReadOnly    bool     `json:"read_only"`
	CapDrop     []string `json:"cap_drop"`
	SecurityOpt []string `json:"security_opt"`
	Healthcheck *struct {
		Test        []string `json:"test"`
		Interval    string   `json:"interval"`
		Timeout     string   `json:"timeout"`
		StartPeriod string   `json:"start_period"`
		Retries     int      `json:"retries"`
	} `json:"healthcheck"`
	Restart string `json:"restart"`
}

func checkCompose(t *testing.T, dir string, p *schema.Project) {
	var c composeFile
	decodeStrict(t, "compose.yaml", readFile(t, dir, "compose.yaml"), &c)
	app, ok := c.Services["app"]
	if !ok || app.Build != "." || app.Healthcheck == nil || !app.ReadOnly {
		t.Fatalf("compose.yaml: the app service must build ., be read-only and have a health check: %+v", app)
	}
	named := func(mounts []string) {
		for _, m := range mounts {
			if _, ok := c.Volumes[strings.Split(m, ":")[0]]; !ok {
				t.Errorf("compose.yaml: mount %s is not a named volume", m)
			}
		}
	}
	named(app.Volumes)
	if p.Database == schema.SQLite {
		if len(app.Volumes) == 0 || len(c.Services) != 1 {
			t.Errorf("compose.yaml: SQLite needs a named volume for the database file and no other service")
		}
		return
	}
	db, ok := c.Services["db"]
	if !ok || db.Healthcheck == nil || len(db.Volumes) == 0 {
		t.Fatalf("compose.yaml: the db service needs a health check and a named volume: %+v", db)
	}
	named(db.Volumes)
	if app.DependsOn["db"].Condition != "service_healthy" {
		t.Error("compose.yaml: the app must wait for a healthy db")
	}
}

// --- Kubernetes ---

// kustomization is the part of kustomize's Kustomization the generated file
// uses (kustomize.config.k8s.io/v1beta1).
type kustomization struct {
	metav1.TypeMeta `json:",inline"`
	Namespace       string `json:"namespace,omitempty"`
	Labels          []struct {
		Pairs            map[string]string `json:"pairs"`
		IncludeSelectors bool              `json:"includeSelectors,omitempty"`
	} `json:"labels"`
	Images []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
	} `json:"images"`
	Resources []string `json:"resources"`
}

// k8sKinds maps each kind the manifests may hold to its API version and a
// new object of its type.
var k8sKinds = map[string]struct {
	apiVersion string
	obj        func() any
}{
	"ConfigMap":               {"v1", func() any { return &corev1.ConfigMap{} }},
	"PersistentVolumeClaim":   {"v1", func() any { return &corev1.PersistentVolumeClaim{} }},
	"Service":                 {"v1", func() any { return &corev1.Service{} }},
	"Deployment":              {"apps/v1", func() any { return &appsv1.Deployment{} }},
	"Job":                     {"batch/v1", func() any { return &batchv1.Job{} }},
	"HorizontalPodAutoscaler": {"autoscaling/v2", func() any { return &autoscalingv2.HorizontalPodAutoscaler{} }},
	"PodDisruptionBudget":     {"policy/v1", func() any { return &policyv1.PodDisruptionBudget{} }},
	"NetworkPolicy":           {"networking.k8s.io/v1", func() any { return &networkingv1.NetworkPolicy{} }},
}

func checkKubernetes(t *testing.T, dir string, p *schema.Project) {
	k8sDir := filepath.Join(dir, "deploy", "k8s")
	var k kustomization
	decodeStrict(t, "kustomization.yaml", readFile(t, dir, "deploy/k8s/kustomization.yaml"), &k)
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Errorf("kustomization.yaml: %s %s", k.APIVersion, k.Kind)
	}
	files, err := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, f := range files {
		if base := filepath.Base(f); base != "kustomization.yaml" {
			onDisk = append(onDisk, base)
		}
	}
	if listed := slices.Sorted(slices.Values(k.Resources)); !slices.Equal(listed, onDisk) {
		t.Errorf("kustomization.yaml lists %v; the directory holds %v", listed, onDisk)
	}

	objs := map[string]any{} // kind -> decoded object
	for _, name := range onDisk {
		data := readFile(t, dir, "deploy/k8s/"+name)
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(data, &tm); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		kind, ok := k8sKinds[tm.Kind]
		if !ok {
			t.Errorf("%s: unexpected kind %q (a Secret must never be committed)", name, tm.Kind)
			continue
		}
		if tm.APIVersion != kind.apiVersion {
			t.Errorf("%s: %s has apiVersion %s, want %s", name, tm.Kind, tm.APIVersion, kind.apiVersion)
		}
		obj := kind.obj()
		decodeStrict(t, name, data, obj)
		objs[tm.Kind] = obj
	}

	dep, _ := objs["Deployment"].(*appsv1.Deployment)
	job, _ := objs["Job"].(*batchv1.Job)
	if dep == nil || job == nil || objs["Service"] == nil || objs["PodDisruptionBudget"] == nil ||
		objs["NetworkPolicy"] == nil || objs["ConfigMap"] == nil {
		t.Fatalf("deploy/k8s needs a Deployment, a migration Job, a Service, a PodDisruptionBudget, a NetworkPolicy and a ConfigMap; found %v", slices.Sorted(mapKeys(objs)))
	}
	checkPodSpec(t, "Deployment", dep.Spec.Template.Spec, p)
	checkPodSpec(t, "Job", job.Spec.Template.Spec, p)
	server := dep.Spec.Template.Spec.Containers[0]
	if server.LivenessProbe == nil || server.LivenessProbe.HTTPGet == nil || server.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Error("Deployment: the liveness probe must GET /healthz")
	}
	if server.ReadinessProbe == nil || server.ReadinessProbe.HTTPGet == nil || server.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Error("Deployment: the readiness probe must GET /readyz")
	}
	if args := job.Spec.Template.Spec.Containers[0].Args; !slices.Equal(args, []string{"migrate", "up"}) {
		t.Errorf("Job: args %q, want [migrate up]", args)
	}
	svc := objs["Service"].(*corev1.Service)
	for k, v := range svc.Spec.Selector {
		if dep.Spec.Template.Labels[k] != v {
			t.Errorf("Service selector %s=%s does not match the Deployment's pods", k, v)
		}
	}
	hpa, _ := objs["HorizontalPodAutoscaler"].(*autoscalingv2.HorizontalPodAutoscaler)
	if p.Database == schema.SQLite {
		if hpa != nil || dep.Spec.Replicas == nil || *dep.Spec.Replicas != 1 {
			t.Error("SQLite: one replica and no autoscaler (one writer on one volume)")
		}
	} else if hpa == nil || hpa.Spec.ScaleTargetRef.Name != dep.Name || dep.Spec.Replicas != nil {
		t.Error("the HorizontalPodAutoscaler must target the Deployment, which must leave replicas unset")
	}

	// kube-score, with warnings as failures. SQLite runs one pod with the
	// Recreate strategy on purpose (see deployment.yaml), so the two checks
	// that ask for several replicas and rolling updates do not apply.
	args := []string{"score", "--exit-one-on-warning", "--output-format", "ci"}
	if p.Database == schema.SQLite {
		args = append(args, "--ignore-test", "deployment-replicas,deployment-strategy")
	}
	tool(t, k8sDir, false, "kube-score", append(args, onDisk...)...)
}

// checkPodSpec checks the restricted security context, resources and
// configuration wiring of a pod.
func checkPodSpec(t *testing.T, owner string, spec corev1.PodSpec, p *schema.Project) {
	t.Helper()
	psc := spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil ||
		psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: the pod must run as non-root with the RuntimeDefault seccomp profile", owner)
	}
	if len(spec.Containers) != 1 {
		t.Fatalf("%s: want one container, got %d", owner, len(spec.Containers))
	}
	c := spec.Containers[0]
	sc := c.SecurityContext
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("%s: the container needs allowPrivilegeEscalation false, readOnlyRootFilesystem true and capabilities drop [ALL]", owner)
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("%s: no %s request", owner, r)
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("%s: no %s limit", owner, r)
		}
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if env["AUTO_MIGRATE"].Value != "false" {
		t.Errorf("%s: AUTO_MIGRATE must be false: the migration Job migrates", owner)
	}
	secrets := []string{}
	if p.Database != schema.SQLite {
		secrets = append(secrets, "DATABASE_URL")
	}
	if p.Auth.Enabled {
		secrets = append(secrets, "JWT_SECRET")
	}
	for _, name := range secrets {
		if e := env[name]; e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			t.Errorf("%s: %s must come from a Secret reference", owner, name)
		}
	}
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil {
		t.Errorf("%s: the configuration must come from the ConfigMap", owner)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// --- Google Cloud Run ---

// cloudRunService is a Knative serving.knative.dev/v1 Service as Cloud Run
// reads it. The revision template's spec is a Kubernetes pod spec subset,
// so its containers and volumes decode as k8s.io/api types.
type cloudRunService struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            struct {
		Template struct {
			Metadata metav1.ObjectMeta `json:"metadata"`
			Spec     struct {
				ServiceAccountName   string             `json:"serviceAccountName,omitempty"`
				ContainerConcurrency *int64             `json:"containerConcurrency,omitempty"`
				TimeoutSeconds       *int64             `json:"timeoutSeconds,omitempty"`
				Containers           []corev1.Container `json:"containers"`
				Volumes              []corev1.Volume    `json:"volumes,omitempty"`
			} `json:"spec"`
		} `json:"template"`
		Traffic []struct {
			Percent        int64 `json:"percent"`
			LatestRevision bool  `json:"latestRevision"`
		} `json:"traffic,omitempty"`
	} `json:"spec"`
}

func checkCloudRun(t *testing.T, dir string, p *schema.Project) {
	var s cloudRunService
	decodeStrict(t, "deploy/cloudrun/service.yaml", readFile(t, dir, "deploy/cloudrun/service.yaml"), &s)
	if s.APIVersion != "serving.knative.dev/v1" || s.Kind != "Service" || s.Metadata.Name != p.Name {
		t.Errorf("service.yaml: %s %s %q", s.APIVersion, s.Kind, s.Metadata.Name)
	}
	spec := s.Spec.Template.Spec
	if len(spec.Containers) != 1 {
		t.Fatalf("service.yaml: want one container, got %d", len(spec.Containers))
	}
	c := spec.Containers[0]
	if len(c.Ports) != 1 || c.Ports[0].ContainerPort != 8080 {
		t.Error("service.yaml: the container must declare port 8080")
	}
	for _, e := range c.Env {
		if e.Name == "PORT" {
			t.Error("service.yaml: Cloud Run reserves PORT and sets it itself")
		}
		if e.ValueFrom != nil && (e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Key == "") {
			t.Errorf("service.yaml: %s must reference a Secret Manager secret and version", e.Name)
		}
		if secretName.MatchString(e.Name) && e.Value != "" {
			t.Errorf("service.yaml: %s has a literal value", e.Name)
		}
	}
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Error("service.yaml: the liveness probe must GET /healthz")
	}
	if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
		t.Error("service.yaml: no memory limit")
	}
	if len(s.Spec.Traffic) != 1 || s.Spec.Traffic[0].Percent != 100 {
		t.Error("service.yaml: all traffic must go to the latest revision")
	}
}

// --- AWS ECS ---

// ecsTaskDefinition holds the fields of the ECS RegisterTaskDefinition
// request that the generated file uses, with the API's JSON names and
// types (ContainerDefinition, PortMapping, KeyValuePair, Secret,
// HealthCheck, MountPoint, LogConfiguration, LinuxParameters, Volume).
type ecsTaskDefinition struct {
	Family                  string   `json:"family"`
	NetworkMode             string   `json:"networkMode"`
	RequiresCompatibilities []string `json:"requiresCompatibilities"`
	RuntimePlatform         struct {
		OperatingSystemFamily string `json:"operatingSystemFamily"`
		CPUArchitecture       string `json:"cpuArchitecture"`
	} `json:"runtimePlatform"`
	CPU              string `json:"cpu"`
	Memory           string `json:"memory"`
	ExecutionRoleArn string `json:"executionRoleArn"`
	TaskRoleArn      string `json:"taskRoleArn"`
	Volumes          []struct {
		Name string `json:"name"`
	} `json:"volumes"`
	ContainerDefinitions []ecsContainer `json:"containerDefinitions"`
}

type ecsContainer struct {
	Name                   string   `json:"name"`
	Image                  string   `json:"image"`
	Essential              bool     `json:"essential"`
	Command                []string `json:"command"`
	User                   string   `json:"user"`
	ReadonlyRootFilesystem bool     `json:"readonlyRootFilesystem"`
	LinuxParameters        struct {
		Capabilities struct {
			Drop []string `json:"drop"`
		} `json:"capabilities"`
		InitProcessEnabled bool `json:"initProcessEnabled"`
	} `json:"linuxParameters"`
	PortMappings []struct {
		Name          string `json:"name"`
		ContainerPort int32  `json:"containerPort"`
		Protocol      string `json:"protocol"`
		AppProtocol   string `json:"appProtocol"`
	} `json:"portMappings"`
	Environment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	MountPoints []struct {
		SourceVolume  string `json:"sourceVolume"`
		ContainerPath string `json:"containerPath"`
		ReadOnly      bool   `json:"readOnly"`
	} `json:"mountPoints"`
	HealthCheck struct {
		Command     []string `json:"command"`
		Interval    int32    `json:"interval"`
		Timeout     int32    `json:"timeout"`
		Retries     int32    `json:"retries"`
		StartPeriod int32    `json:"startPeriod"`
	} `json:"healthCheck"`
	StopTimeout      int32 `json:"stopTimeout"`
	LogConfiguration struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
}

// fargateMemory lists the memory sizes (MiB) Fargate accepts per CPU unit
// count, the combinations RegisterTaskDefinition validates.
var fargateMemory = map[string][]string{
	"256":  {"512", "1024", "2048"},
	"512":  {"1024", "2048", "3072", "4096"},
	"1024": {"2048", "3072", "4096", "5120", "6144", "7168", "8192"},
}

func checkECS(t *testing.T, dir string, p *schema.Project) {
	data := readFile(t, dir, "deploy/aws/task-definition.json")
	var td ecsTaskDefinition
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&td); err != nil {
		t.Fatalf("task-definition.json: %v", err)
	}
	if td.Family != p.Name || td.NetworkMode != "awsvpc" || !slices.Equal(td.RequiresCompatibilities, []string{"FARGATE"}) {
		t.Errorf("task-definition.json: family %q, network mode %q, compatibilities %v", td.Family, td.NetworkMode, td.RequiresCompatibilities)
	}
	if !slices.Contains(fargateMemory[td.CPU], td.Memory) {
		t.Errorf("task-definition.json: Fargate does not offer cpu %s with memory %s", td.CPU, td.Memory)
	}
	if len(td.ContainerDefinitions) != 1 {
		t.Fatalf("task-definition.json: want one container, got %d", len(td.ContainerDefinitions))
	}
	c := td.ContainerDefinitions[0]
	if !c.Essential || !c.ReadonlyRootFilesystem || strings.HasPrefix(c.User, "0") || c.User == "" ||
		!slices.Equal(c.LinuxParameters.Capabilities.Drop, []string{"ALL"}) {
		t.Error("task-definition.json: the container must be essential, non-root, read-only, with every capability dropped")
	}
	if len(c.PortMappings) != 1 || c.PortMappings[0].ContainerPort != 8080 {
		t.Error("task-definition.json: the container must map port 8080")
	}
	if !slices.Equal(c.HealthCheck.Command, []string{"CMD", "/server", "healthcheck"}) {
		t.Errorf("task-definition.json: health check %q", c.HealthCheck.Command)
	}
	env := map[string]string{}
	for _, e := range c.Environment {
		env[e.Name] = e.Value
		if secretName.MatchString(e.Name) {
			t.Errorf("task-definition.json: %s belongs in secrets, not environment", e.Name)
		}
	}
	for _, s := range c.Secrets {
		if !strings.HasPrefix(s.ValueFrom, "arn:aws:secretsmanager:") && !strings.HasPrefix(s.ValueFrom, "arn:aws:ssm:") {
			t.Errorf("task-definition.json: secret %s: valueFrom must be a Secrets Manager or SSM ARN", s.Name)
		}
		env[s.Name] = "(secret)"
	}
	if p.Database != schema.SQLite && env["DATABASE_URL"] != "(secret)" {
		t.Error("task-definition.json: DATABASE_URL must come from secrets")
	}
	if p.Auth.Enabled && env["JWT_SECRET"] != "(secret)" {
		t.Error("task-definition.json: JWT_SECRET must come from secrets")
	}
	volumes := map[string]bool{}
	for _, v := range td.Volumes {
		volumes[v.Name] = true
	}
	for _, m := range c.MountPoints {
		if !volumes[m.SourceVolume] {
			t.Errorf("task-definition.json: mount point %s uses the undeclared volume %q", m.ContainerPath, m.SourceVolume)
		}
	}
}

// --- CI workflow and Makefile ---

func checkWorkflow(t *testing.T, dir string, p *schema.Project) {
	tool(t, dir, false, "actionlint", ".github/workflows/ci.yml")
	wf := string(readFile(t, dir, ".github/workflows/ci.yml"))
	for _, want := range []string{"go vet ./...", "staticcheck", "govulncheck", "go test", "docker/build-push-action"} {
		if !strings.Contains(wf, want) {
			t.Errorf("ci.yml does not run %s", want)
		}
	}
	if p.Database != schema.SQLite && !strings.Contains(wf, "services:") {
		t.Error("ci.yml: the tests need the database as a service container")
	}
	for _, uses := range regexp.MustCompile(`uses:\s*(\S+)`).FindAllStringSubmatch(wf, -1) {
		if !regexp.MustCompile(`@v\d+\.\d+\.\d+$|@[0-9a-f]{40}$`).MatchString(uses[1]) {
			t.Errorf("ci.yml: %s is not pinned to an exact release or commit", uses[1])
		}
	}
}

func checkMakefile(t *testing.T, dir string) {
	tool(t, dir, false, "make", "-n", "build", "test", "vet", "lint", "vuln", "run", "migrate", "docker", "deploy")
}

func TestStrictDecodingRejectsMisspelledFields(t *testing.T) {
	// readinesProbe is misspelled: a lenient decoder would drop it and the
	// pod would run without a readiness probe.
	bad := []byte(`
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: server
          readinesProbe:
            httpGet: {path: /readyz, port: 8080}
`)
	var d appsv1.Deployment
	if err := yaml.UnmarshalStrict(bad, &d); err == nil || !strings.Contains(err.Error(), "readinesProbe") {
		t.Errorf("strict decoding accepted a misspelled field: %v", err)
	}
}
