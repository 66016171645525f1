package generator

import (
	"reflect"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

func modelField(f *schema.Field) *FieldView {
	e := &EntityView{Name: "Product", VarName: "product"}
	return &FieldView{Entity: e, Schema: f, Name: f.Name, GoName: "Price", Nullable: !f.Required, EnumType: "ProductPrice"}
}

func TestFieldDefault(t *testing.T) {
	tests := []struct {
		field schema.Field
		want  string
	}{
		{schema.Field{Type: schema.Int, Required: true, Default: int64(3)}, "3"},
		{schema.Field{Type: schema.Int, Default: int64(3)}, "new(int64(3))"},
		{schema.Field{Type: schema.Float, Default: 1.5}, "new(float64(1.5))"},
		{schema.Field{Type: schema.String, Default: "a\"b"}, `new("a\"b")`},
		{schema.Field{Type: schema.Enum, Required: true, Default: "in stock"}, "ProductPriceInStock"},
		{schema.Field{Type: schema.Decimal, Required: true, Default: "1.50"}, `types.MustParseDecimal("1.50")`},
		{schema.Field{Type: schema.Date, Required: true, Default: "2024-02-29"}, "types.Date{Year: 2024, Month: time.February, Day: 29}"},
		{schema.Field{Type: schema.Time, Required: true, Default: "2024-05-01T12:30:00+02:00"}, "time.Date(2024, time.May, 1, 10, 30, 0, 0, time.UTC)"},
		{schema.Field{Type: schema.JSON, Required: true, Default: `{"a":"\n"}`}, "types.JSON(`{\"a\":\"\\n\"}`)"},
	}
	for _, tt := range tests {
		got, err := modelField(&tt.field).Default()
		if err != nil || got != tt.want {
			t.Errorf("%s default %v = %s, %v; want %s", tt.field.Type, tt.field.Default, got, err, tt.want)
		}
	}
}

func TestFieldRules(t *testing.T) {
	one, three := 1, 3
	f := modelField(&schema.Field{Name: "code", Type: schema.String, MinLength: &one, MaxLength: &three, Pattern: `^\d+$`, Format: "email"})
	want := []Rule{
		{"utf8.RuneCountInString(*e.Price) >= 1", "must be at least 1 character"},
		{"utf8.RuneCountInString(*e.Price) <= 3", "must be at most 3 characters"},
		{"productPricePattern.MatchString(*e.Price)", `must match the pattern ^\d+$`},
		{"isEmail(*e.Price)", msgEmail},
	}
	if got := f.Rules(); !reflect.DeepEqual(got, want) {
		t.Errorf("rules:\n got %v\nwant %v", got, want)
	}

	d := modelField(&schema.Field{Name: "price", Type: schema.Decimal, Required: true, Precision: 5, Scale: 5, Max: &schema.Number{Text: "0.5"}})
	want = []Rule{
		{"e.Price.Fits(5, 5)", "must be less than 1 in absolute value"},
		{"e.Price.Cmp(productPriceMax) <= 0", "must be at most 0.5"},
	}
	if got := d.Rules(); !reflect.DeepEqual(got, want) {
		t.Errorf("decimal rules:\n got %v\nwant %v", got, want)
	}
}

func TestFieldSame(t *testing.T) {
	tests := []struct {
		field schema.Field
		want  string
	}{
		{schema.Field{Type: schema.String, Required: true}, "e.Price == current.Price"},
		{schema.Field{Type: schema.String}, "sameOptional(e.Price, current.Price, equal)"},
		{schema.Field{Type: schema.Time, Required: true}, "e.Price.Equal(current.Price)"},
		{schema.Field{Type: schema.Decimal}, "sameOptional(e.Price, current.Price, sameDecimal)"},
		{schema.Field{Type: schema.JSON, Required: true}, "sameJSON(e.Price, current.Price)"},
	}
	for _, tt := range tests {
		if got := modelField(&tt.field).Same(); got != tt.want {
			t.Errorf("%s (required %v): %s, want %s", tt.field.Type, tt.field.Required, got, tt.want)
		}
	}
}
