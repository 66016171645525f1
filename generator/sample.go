package generator

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scaffold-dev/scaffold/schema"
)

// SampleValue returns a value for f that passes every rule of the field,
// ready to be marshalled into a JSON request body: a string for string, text,
// enum, decimal (with exactly Scale decimals), date, time (RFC 3339) and uuid
// fields; an int64 for int, a float64 for float, a bool for bool and a
// json.RawMessage for json fields.
//
// Values vary with n, so samples 0, 1, 2... of a unique field differ from one
// another as far as the field's rules leave room for it. The same field and n
// always give the same value: generated tests stay deterministic.
func SampleValue(f *schema.Field, n int) any {
	if n < 0 {
		n = -n
	}
	switch f.Type {
	case schema.String:
		return sampleString(f, n)
	case schema.Text:
		return fitLength(fmt.Sprintf("Sample text %d.", n), f, n)
	case schema.Int:
		return sampleInt(f, n)
	case schema.Float:
		return sampleFloat(f, n)
	case schema.Decimal:
		return sampleDecimal(f, n)
	case schema.Bool:
		return n%2 == 0
	case schema.Time:
		base := time.Date(2024, time.January, 2, 3, 4, 5, 0, time.UTC)
		return base.Add(time.Duration(n) * (25*time.Hour + time.Minute + time.Second)).Format(time.RFC3339)
	case schema.Date:
		return time.Date(2024, time.January, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
	case schema.UUID:
		return fmt.Sprintf("0190a1b2-c3d4-7e5f-8a6b-%012x", n+1)
	case schema.JSON:
		return json.RawMessage(fmt.Sprintf(`{"sample":%d,"tags":["a","b"]}`, n))
	case schema.Enum:
		if len(f.Values) == 0 {
			return ""
		}
		return f.Values[n%len(f.Values)]
	}
	return nil
}

// SampleObject returns a request body for creating an e: a sample value
// (see SampleValue) for each of the entity's own fields, required and
// optional. Relations (foreign keys) are left to the caller, which has to
// create the referenced rows first.
func SampleObject(e *schema.Entity, n int) map[string]any {
	obj := make(map[string]any, len(e.Fields))
	for _, f := range e.Fields {
		obj[f.Name] = SampleValue(f, n)
	}
	return obj
}

// SamplePassword is the n-th sample password of a user: distinct per n and
// at least minLength characters long.
func SamplePassword(minLength, n int) string {
	p := fmt.Sprintf("sample-password-%02d", n)
	if len(p) < minLength {
		p += strings.Repeat("x", minLength-len(p))
	}
	return p
}

// InvalidSample is a value that breaks one rule of a field, with the error
// message the generated backend answers with for it.
type InvalidSample struct {
	Rule    string // the rule broken, e.g. "max_length"; names the test case
	Value   any    // JSON-ready value sent for the field (nil means JSON null)
	Message string // expected message of the field's error
}

// Field error messages of the generated backend, shared with the model
// templates (templates/entity/internal/model) and the runtime decoders
// (internal/httpx).
const (
	msgNotNull = "must not be null"
	msgString  = "must be a string"
	msgInteger = "must be an integer"
	msgNumber  = "must be a number"
	msgBool    = "must be true or false"
	msgDecimal = "must be a decimal number"
	msgTime    = "must be an RFC 3339 date-time string such as 2024-05-01T12:30:00Z"
	msgDate    = "must be a date (YYYY-MM-DD)"
	msgUUID    = "must be a UUID"
	msgEmail   = "must be a valid email address"
	msgURL     = "must be a valid URL"
)

// InvalidSamples returns one value per rule of f that the generated backend
// must reject, each with the expected message: a value of the wrong JSON
// type, null for a required field, and a value just outside each bound
// (min, max, min_length, max_length, pattern, format, enum values, decimal
// precision and scale). A required field left out is not listed: there is no
// value to send for it; its message is "is required". The messages are those
// of the model templates (view_model.go) and internal/httpx.
func InvalidSamples(f *schema.Field) []InvalidSample {
	var out []InvalidSample
	add := func(rule string, v any, msg string) {
		out = append(out, InvalidSample{Rule: rule, Value: v, Message: msg})
	}
	if f.Required {
		add("null", nil, msgNotNull)
	}
	switch f.Type {
	case schema.String, schema.Text:
		add("type", 42, msgString)
		invalidLengths(f, add)
		if f.Pattern != "" {
			if v, ok := nonMatching(f); ok {
				add("pattern", v, "must match the pattern "+f.Pattern)
			}
		}
		switch f.Format {
		case "email":
			add("format", "not-an-email", msgEmail)
		case "url":
			add("format", "not a url", msgURL)
		}
	case schema.Int:
		add("type", "seven", msgInteger)
		add("fraction", 1.5, msgInteger)
		if f.Min != nil {
			if v, ok := belowInt(f.Min); ok {
				add("min", v, "must be at least "+f.Min.String())
			}
		}
		if f.Max != nil {
			if v, ok := aboveInt(f.Max); ok {
				add("max", v, "must be at most "+f.Max.String())
			}
		}
	case schema.Float:
		add("type", "seven", msgNumber)
		if f.Min != nil {
			add("min", f.Min.Float64()-1, "must be at least "+f.Min.String())
		}
		if f.Max != nil {
			add("max", f.Max.Float64()+1, "must be at most "+f.Max.String())
		}
	case schema.Decimal:
		add("type", true, msgDecimal)
		add("syntax", "12,5", msgDecimal)
		intDigits := f.Precision - f.Scale
		add("precision", strings.Repeat("9", intDigits+1), precisionMessage(intDigits))
		add("scale", "0."+strings.Repeat("1", f.Scale+1), scaleMessage(f.Scale))
		if f.Min != nil {
			add("min", new(big.Rat).Sub(f.Min.Rat(), big.NewRat(1, 1)).FloatString(f.Scale), "must be at least "+f.Min.String())
		}
		if f.Max != nil {
			add("max", new(big.Rat).Add(f.Max.Rat(), big.NewRat(1, 1)).FloatString(f.Scale), "must be at most "+f.Max.String())
		}
	case schema.Bool:
		add("type", "yes", msgBool)
	case schema.Time:
		add("type", 1700000000, msgTime)
		add("syntax", "2024-13-45 25:61", msgTime)
	case schema.Date:
		add("type", 20240101, msgDate)
		add("syntax", "2024-02-30", msgDate)
	case schema.UUID:
		add("type", 7, msgUUID)
		add("syntax", "not-a-uuid", msgUUID)
	case schema.Enum:
		add("type", 1, msgString)
		add("values", unusedValue(f.Values), "must be one of: "+strings.Join(f.Values, ", "))
	}
	return out
}

// scaleMessage words a decimal with too many fraction digits, as the
// model's decoder does.
func scaleMessage(scale int) string {
	switch scale {
	case 0:
		return "must be a whole number"
	case 1:
		return "must have at most 1 decimal place"
	}
	return fmt.Sprintf("must have at most %d decimal places", scale)
}

// invalidLengths adds the values just outside min_length and max_length.
func invalidLengths(f *schema.Field, add func(string, any, string)) {
	if f.MinLength != nil && *f.MinLength > 0 {
		n := *f.MinLength
		add("min_length", strings.Repeat("a", n-1), lengthMessage("least", n))
	}
	if f.MaxLength != nil {
		n := *f.MaxLength
		add("max_length", strings.Repeat("a", n+1), lengthMessage("most", n))
	}
}

// nonMatching finds a string of a valid length that f.Pattern rejects, so the
// pattern is the only rule broken.
func nonMatching(f *schema.Field) (string, bool) {
	re, err := regexp.Compile(f.Pattern)
	if err != nil {
		return "", false
	}
	candidates := []string{"!", "~", "#", " ", "0", "a", "A", "-", "é"}
	for _, c := range candidates {
		for _, size := range lengthsToTry(f) {
			s := strings.Repeat(c, size)
			if !re.MatchString(s) {
				return s, true
			}
		}
	}
	return "", false
}

// lengthsToTry lists string lengths valid for f, shortest first.
func lengthsToTry(f *schema.Field) []int {
	lo, hi := 1, 64
	if f.MinLength != nil && *f.MinLength > lo {
		lo = *f.MinLength
	}
	if f.MaxLength != nil && *f.MaxLength < hi {
		hi = *f.MaxLength
	}
	var out []int
	for n := lo; n <= hi && len(out) < 4; n++ {
		out = append(out, n)
	}
	return out
}

// unusedValue returns a string that is not one of values.
func unusedValue(values []string) string {
	v := "not_a_valid_value"
	for contains(values, v) {
		v += "_"
	}
	return v
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// belowInt is the largest integer smaller than min.
func belowInt(min *schema.Number) (int64, bool) {
	r := min.Rat()
	floor := ratFloor(r)
	if new(big.Rat).SetInt(floor).Cmp(r) == 0 {
		floor.Sub(floor, big.NewInt(1))
	}
	return floor.Int64(), floor.IsInt64()
}

// aboveInt is the smallest integer larger than max.
func aboveInt(max *schema.Number) (int64, bool) {
	r := max.Rat()
	c := ratCeil(r)
	if new(big.Rat).SetInt(c).Cmp(r) == 0 {
		c.Add(c, big.NewInt(1))
	}
	return c.Int64(), c.IsInt64()
}

// sampleString honours pattern, format and length rules, in that order of
// precedence: a pattern defines the shape, lengths are then checked.
func sampleString(f *schema.Field, n int) string {
	if f.Pattern != "" {
		if s, ok := patternSample(f, n); ok {
			return s
		}
	}
	switch f.Format {
	case "email":
		return fitEmail(f, n)
	case "url":
		return fitURL(f, n)
	}
	return fitLength("sample-"+strconv.Itoa(n), f, n)
}

// fitLength pads or trims s to the field's length bounds, keeping a suffix
// that depends on n so that distinct n stay distinct.
func fitLength(s string, f *schema.Field, n int) string {
	lo, hi := lengthBounds(f)
	tag := strconv.FormatInt(int64(n), 36)
	if utf8.RuneCountInString(s) > hi {
		if len(tag) > hi {
			tag = tag[len(tag)-hi:]
		}
		s = s[:hi-len(tag)] + tag
	}
	for utf8.RuneCountInString(s) < lo {
		s += "x"
	}
	return s
}

// lengthBounds returns the field's length bounds, with no upper bound as a
// large number.
func lengthBounds(f *schema.Field) (lo, hi int) {
	hi = math.MaxInt32
	if f.MinLength != nil {
		lo = *f.MinLength
	}
	if f.MaxLength != nil {
		hi = *f.MaxLength
	}
	return lo, hi
}

func fitEmail(f *schema.Field, n int) string {
	lo, hi := lengthBounds(f)
	local := "user" + strconv.Itoa(n)
	for len(local)+len("@example.com") < lo {
		local += "x"
	}
	s := local + "@example.com"
	if len(s) > hi {
		s = strconv.FormatInt(int64(n), 36) + "@ex.io"
	}
	return s
}

func fitURL(f *schema.Field, n int) string {
	lo, hi := lengthBounds(f)
	s := "https://example.com/items/" + strconv.Itoa(n)
	for len(s) < lo {
		s += "x"
	}
	if len(s) > hi {
		s = "http://a.io/" + strconv.FormatInt(int64(n), 36)
	}
	return s
}

// patternSample generates a string matching f.Pattern whose length is within
// the field's bounds. Repetitions are tried at growing sizes until the length
// fits; n picks among the choices of the pattern (class members, branches).
func patternSample(f *schema.Field, n int) (string, bool) {
	re, err := syntax.Parse(f.Pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	check, err := regexp.Compile(f.Pattern)
	if err != nil {
		return "", false
	}
	lo, hi := lengthBounds(f)
	for _, target := range []int{3, 1, 2, 4, 6, 8, 12, 16, 24, 32, 64, 0} {
		g := &patternGen{choice: big.NewInt(int64(n)), target: target}
		g.walk(re)
		s := g.b.String()
		if size := utf8.RuneCountInString(s); size >= lo && size <= hi && check.MatchString(s) {
			return s, true
		}
	}
	return "", false
}

// patternGen writes one string matching a parsed regular expression. Every
// choice point (a class member, a branch) takes the next digit of choice in
// the base of that point's number of options, so distinct n give distinct
// strings while the pattern has room for them.
type patternGen struct {
	b      strings.Builder
	choice *big.Int
	target int // preferred repetition count
}

// pick returns an index in [0, size) taken from the choice number.
func (g *patternGen) pick(size int) int {
	if size <= 1 {
		return 0
	}
	m := new(big.Int)
	g.choice.DivMod(g.choice, big.NewInt(int64(size)), m)
	return int(m.Int64())
}

func (g *patternGen) walk(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			g.b.WriteRune(r)
		}
	case syntax.OpCharClass:
		g.b.WriteRune(classRune(re.Rune, g))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		g.b.WriteRune(rune('a' + g.pick(26)))
	case syntax.OpCapture:
		g.walk(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			g.walk(sub)
		}
	case syntax.OpAlternate:
		g.walk(re.Sub[g.pick(len(re.Sub))])
	case syntax.OpStar:
		g.repeat(re.Sub[0], 0, -1)
	case syntax.OpPlus:
		g.repeat(re.Sub[0], 1, -1)
	case syntax.OpQuest:
		g.repeat(re.Sub[0], 0, 1)
	case syntax.OpRepeat:
		g.repeat(re.Sub[0], re.Min, re.Max)
	}
	// Anchors, word boundaries and empty matches write nothing.
}

// repeat writes sub the preferred number of times, clamped to [min, max]
// (max < 0: unbounded).
func (g *patternGen) repeat(sub *syntax.Regexp, min, max int) {
	count := g.target
	if count < min {
		count = min
	}
	if max >= 0 && count > max {
		count = max
	}
	for i := 0; i < count; i++ {
		g.walk(sub)
	}
}

// classRune picks a member of a character class given as rune ranges,
// preferring printable ASCII letters and digits so samples stay readable.
func classRune(ranges []rune, g *patternGen) rune {
	var readable []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < 0x7f; r++ {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.' {
				readable = append(readable, r)
			}
		}
	}
	if len(readable) == 0 {
		for i := 0; i+1 < len(ranges); i += 2 {
			for r := ranges[i]; r <= ranges[i+1] && r < 0x7f; r++ {
				if unicode.IsPrint(r) {
					readable = append(readable, r)
				}
			}
		}
	}
	if len(readable) == 0 {
		if len(ranges) == 0 {
			return 'a'
		}
		return ranges[0]
	}
	return readable[g.pick(len(readable))]
}

// sampleInt picks an integer in the field's bounds, varying with n.
func sampleInt(f *schema.Field, n int) int64 {
	var lo, hi *big.Int
	if f.Min != nil {
		lo = ratCeil(f.Min.Rat())
	}
	if f.Max != nil {
		hi = ratFloor(f.Max.Rat())
	}
	v := pickInRange(lo, hi, big.NewInt(int64(n)), big.NewInt(int64(n+1)))
	return v.Int64()
}

// sampleFloat picks a number in the field's bounds, varying with n.
func sampleFloat(f *schema.Field, n int) float64 {
	switch {
	case f.Min != nil && f.Max != nil:
		lo, hi := f.Min.Float64(), f.Max.Float64()
		v := lo + (hi-lo)*float64(n%97+1)/99
		return math.Min(math.Max(v, lo), hi)
	case f.Min != nil:
		return f.Min.Float64() + float64(n) + 0.5
	case f.Max != nil:
		return f.Max.Float64() - float64(n) - 0.5
	}
	return float64(n) + 0.5
}

// sampleDecimal picks a decimal with exactly Scale decimals that fits the
// precision and the bounds, varying with n.
func sampleDecimal(f *schema.Field, n int) string {
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.Scale)), nil)
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.Precision)), nil)
	limit.Sub(limit, big.NewInt(1)) // largest magnitude, in units of 10^-scale
	lo := new(big.Int).Neg(limit)
	hi := new(big.Int).Set(limit)
	if f.Min != nil {
		if m := ratCeil(new(big.Rat).Mul(f.Min.Rat(), new(big.Rat).SetInt(unit))); m.Cmp(lo) > 0 {
			lo = m
		}
	}
	if f.Max != nil {
		if m := ratFloor(new(big.Rat).Mul(f.Max.Rat(), new(big.Rat).SetInt(unit))); m.Cmp(hi) < 0 {
			hi = m
		}
	}
	// Free values look like 12.34 rather than 0.01: n whole units plus a
	// fraction, so samples read naturally.
	free := new(big.Int).Mul(big.NewInt(int64(n+1)), unit)
	free.Add(free, new(big.Int).Div(unit, big.NewInt(4)))
	step := new(big.Int).Set(unit)
	if f.Min != nil && f.Max != nil {
		step = big.NewInt(1)
	}
	offset := new(big.Int).Mul(big.NewInt(int64(n)), step)
	var v *big.Int
	switch {
	case f.Min != nil || f.Max != nil:
		v = pickInRange(boundOrNil(f.Min, lo), boundOrNil(f.Max, hi), offset, free)
		if v.Cmp(lo) < 0 {
			v = lo
		}
		if v.Cmp(hi) > 0 {
			v = hi
		}
	default:
		v = free
		if v.Cmp(hi) > 0 {
			v = new(big.Int).Mod(free, new(big.Int).Add(hi, big.NewInt(1)))
		}
	}
	return new(big.Rat).SetFrac(v, unit).FloatString(f.Scale)
}

func boundOrNil(n *schema.Number, v *big.Int) *big.Int {
	if n == nil {
		return nil
	}
	return v
}

// pickInRange returns lo+offset wrapped into [lo, hi], hi-offset with only
// an upper bound, or free without bounds.
func pickInRange(lo, hi, offset, free *big.Int) *big.Int {
	switch {
	case lo != nil && hi != nil:
		if hi.Cmp(lo) < 0 {
			return new(big.Int).Set(lo)
		}
		span := new(big.Int).Sub(hi, lo)
		span.Add(span, big.NewInt(1))
		v := new(big.Int).Mod(offset, span)
		return v.Add(v, lo)
	case lo != nil:
		return new(big.Int).Add(lo, offset)
	case hi != nil:
		return new(big.Int).Sub(hi, offset)
	}
	return new(big.Int).Set(free)
}

func ratFloor(r *big.Rat) *big.Int {
	q := new(big.Int)
	m := new(big.Int)
	q.DivMod(r.Num(), r.Denom(), m) // Euclidean: floor for a positive divisor
	return q
}

func ratCeil(r *big.Rat) *big.Int {
	q := ratFloor(r)
	if new(big.Rat).SetInt(q).Cmp(r) != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}
