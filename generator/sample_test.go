package generator

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/scaffold-dev/scaffold/schema"
)

func num(s string) *schema.Number { return &schema.Number{Text: s} }
func intp(n int) *int             { return &n }

// checkValue reports why v breaks a rule of f, or "" when it passes them all.
// It is an independent reading of SCHEMA.md's rules.
func checkValue(f *schema.Field, v any) string {
	inBounds := func(r *big.Rat) string {
		if f.Min != nil && r.Cmp(f.Min.Rat()) < 0 {
			return "below min"
		}
		if f.Max != nil && r.Cmp(f.Max.Rat()) > 0 {
			return "above max"
		}
		return ""
	}
	switch f.Type {
	case schema.String, schema.Text:
		s, ok := v.(string)
		if !ok {
			return "not a string"
		}
		n := utf8.RuneCountInString(s)
		if f.MinLength != nil && n < *f.MinLength {
			return "too short"
		}
		if f.MaxLength != nil && n > *f.MaxLength {
			return "too long"
		}
		if f.Pattern != "" && !regexp.MustCompile(f.Pattern).MatchString(s) {
			return "pattern mismatch"
		}
		switch f.Format {
		case "email":
			if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
				return "not an email"
			}
		case "url":
			if u, err := url.Parse(s); err != nil || u.Scheme == "" || u.Host == "" {
				return "not a URL"
			}
		}
	case schema.Int:
		i, ok := v.(int64)
		if !ok {
			return "not an int64"
		}
		return inBounds(new(big.Rat).SetInt64(i))
	case schema.Float:
		x, ok := v.(float64)
		if !ok {
			return "not a float64"
		}
		return inBounds(new(big.Rat).SetFloat64(x))
	case schema.Decimal:
		s, ok := v.(string)
		shape := `^-?\d+\.\d{` + fmt.Sprint(f.Scale) + `}$`
		if f.Scale == 0 {
			shape = `^-?\d+$`
		}
		if !ok || !regexp.MustCompile(shape).MatchString(s) {
			return fmt.Sprintf("decimal %v without exactly %d decimals", v, f.Scale)
		}
		digits := strings.TrimLeft(strings.Split(strings.TrimPrefix(s, "-"), ".")[0], "0")
		if len(digits) > f.Precision-f.Scale {
			return "too many digits"
		}
		r, _ := new(big.Rat).SetString(s)
		return inBounds(r)
	case schema.Bool:
		if _, ok := v.(bool); !ok {
			return "not a bool"
		}
	case schema.Time:
		s, _ := v.(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return "not RFC 3339"
		}
	case schema.Date:
		s, _ := v.(string)
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return "not a date"
		}
	case schema.UUID:
		s, _ := v.(string)
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(s) {
			return "not a UUID"
		}
	case schema.JSON:
		raw, ok := v.(json.RawMessage)
		if !ok || !json.Valid(raw) {
			return "not JSON"
		}
	case schema.Enum:
		s, _ := v.(string)
		if !contains(f.Values, s) {
			return "not an enum value"
		}
	}
	return ""
}

var patterns = []string{
	`^[A-Z0-9-]{3,32}$`,
	`^[a-z]+$`,
	`^\d{4}-\d{2}$`,
	`^(red|green|blue)-[0-9]{2}$`,
	`^[^@\s]+@[a-z]+\.com$`,
	`^SKU_\w{5,}$`,
	`(?i)^abc[xyz]*$`,
	`^\+?[1-9]\d{6,14}$`,
	`^[a-f0-9]{8}(-[a-f0-9]{4}){3}$`,
	`^.{2,5}$`,
	`^[[:alpha:]][[:alnum:]_]*$`,
	`^\p{Lu}\p{Ll}+$`,
}

// randomField builds a field of a random type with random, consistent rules.
func randomField(rng *rand.Rand, i int) *schema.Field {
	f := &schema.Field{Name: fmt.Sprintf("f%d", i), Type: schema.FieldTypes[rng.IntN(len(schema.FieldTypes))], Required: rng.IntN(2) == 0}
	switch f.Type {
	case schema.String, schema.Text:
		if rng.IntN(2) == 0 {
			f.MinLength = intp(rng.IntN(6))
		}
		if f.Type == schema.String || rng.IntN(2) == 0 {
			f.MaxLength = intp(8 + rng.IntN(250))
		}
		if f.Type == schema.String {
			// Patterns and formats get room: a pattern of fixed length 23
			// with max_length 10 is a schema no value can satisfy.
			switch rng.IntN(4) {
			case 0:
				f.Pattern = patterns[rng.IntN(len(patterns))]
				f.MaxLength = intp(40 + rng.IntN(200))
			case 1:
				f.Format = []string{"email", "url"}[rng.IntN(2)]
				f.MaxLength = intp(40 + rng.IntN(200))
			}
		}
	case schema.Int, schema.Float:
		lo := rng.IntN(2000) - 1000
		if rng.IntN(2) == 0 {
			f.Min = num(fmt.Sprint(lo))
		}
		if rng.IntN(2) == 0 {
			f.Max = num(fmt.Sprint(lo + rng.IntN(50)))
		}
	case schema.Decimal:
		f.Precision = 2 + rng.IntN(16)
		f.Scale = rng.IntN(f.Precision - 1)
		if rng.IntN(2) == 0 {
			f.Min = num("0")
		}
		if rng.IntN(2) == 0 {
			f.Max = num("1.5")
		}
		if rng.IntN(3) == 0 {
			f.Min, f.Max = num("-2.25"), num("-1")
		}
	case schema.Enum:
		f.Values = []string{"draft", "active", "archived"}[:1+rng.IntN(3)]
	}
	return f
}

func TestSampleValuePassesEveryRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		f := randomField(rng, i)
		for n := range 6 {
			v := SampleValue(f, n)
			if why := checkValue(f, v); why != "" {
				t.Errorf("SampleValue(%+v, %d) = %#v: %s", *f, n, v, why)
			}
		}
	}
}

func TestSampleValueVariesForUniqueFields(t *testing.T) {
	fields := []*schema.Field{
		{Type: schema.String, MaxLength: intp(255)},
		{Type: schema.String, MaxLength: intp(3)},
		{Type: schema.String, Pattern: `^[A-Z0-9-]{3,32}$`, MaxLength: intp(255)},
		{Type: schema.String, Format: "email", MaxLength: intp(255)},
		{Type: schema.String, Format: "url", MaxLength: intp(255)},
		{Type: schema.Text},
		{Type: schema.Int},
		{Type: schema.Int, Min: num("0")},
		{Type: schema.Int, Max: num("10")},
		{Type: schema.Float, Min: num("0"), Max: num("1")},
		{Type: schema.Decimal, Precision: 12, Scale: 2, Min: num("0")},
		{Type: schema.Decimal, Precision: 4, Scale: 2},
		{Type: schema.Time},
		{Type: schema.Date},
		{Type: schema.UUID},
		{Type: schema.JSON},
		{Type: schema.Enum, Values: []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
	}
	for _, f := range fields {
		seen := map[string]int{}
		for n := range 8 {
			key := fmt.Sprintf("%v", SampleValue(f, n))
			if prev, ok := seen[key]; ok {
				t.Errorf("%s field %+v: samples %d and %d are both %s", f.Type, *f, prev, n, key)
			}
			seen[key] = n
		}
	}
}

func TestSampleValueExamples(t *testing.T) {
	tests := []struct {
		field *schema.Field
		n     int
		want  any
	}{
		{&schema.Field{Type: schema.Decimal, Precision: 12, Scale: 2, Min: num("0")}, 3, "3.00"},
		{&schema.Field{Type: schema.Decimal, Precision: 12, Scale: 2}, 0, "1.25"},
		{&schema.Field{Type: schema.Int, Min: num("0")}, 2, int64(2)},
		{&schema.Field{Type: schema.Enum, Values: []string{"draft", "active"}}, 3, "active"},
		{&schema.Field{Type: schema.String, Pattern: `^[A-Z]{3}$`}, 0, "AAA"},
		{&schema.Field{Type: schema.String, Pattern: `^[A-Z]{3}$`}, 1, "BAA"},
		{&schema.Field{Type: schema.Date}, 1, "2024-01-03"},
		{&schema.Field{Type: schema.Bool}, 1, false},
	}
	for _, tt := range tests {
		if got := SampleValue(tt.field, tt.n); got != tt.want {
			t.Errorf("SampleValue(%+v, %d) = %#v, want %#v", *tt.field, tt.n, got, tt.want)
		}
	}
}

func TestInvalidSamplesBreakTheirRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		f := randomField(rng, i)
		for _, s := range InvalidSamples(f) {
			if s.Message == "" || s.Rule == "" {
				t.Errorf("%+v: sample %+v lacks a rule or message", *f, s)
			}
			switch s.Rule {
			case "null", "type", "fraction", "syntax", "precision", "scale":
				continue // not a rule checkValue models as a value
			}
			if checkValue(f, s.Value) == "" {
				t.Errorf("%s field %+v: invalid sample %+v passes every rule", f.Type, *f, s)
			}
		}
	}
}

func TestInvalidSamplesPattern(t *testing.T) {
	f := &schema.Field{Type: schema.String, Pattern: `^[A-Z0-9-]{3,32}$`, MaxLength: intp(255)}
	var found bool
	for _, s := range InvalidSamples(f) {
		if s.Rule == "pattern" {
			found = true
			if regexp.MustCompile(f.Pattern).MatchString(s.Value.(string)) {
				t.Errorf("pattern sample %q matches", s.Value)
			}
		}
	}
	if !found {
		t.Fatal("no pattern sample")
	}
}

func TestSampleObject(t *testing.T) {
	e := &schema.Entity{Name: "Product", Fields: []*schema.Field{
		{Name: "title", Type: schema.String, Required: true, MaxLength: intp(80)},
		{Name: "notes", Type: schema.Text},
	}}
	got := SampleObject(e, 1)
	if len(got) != 2 || got["title"] != "sample-1" || got["notes"] != "Sample text 1." {
		t.Fatalf("SampleObject = %#v", got)
	}
}
