package schema

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Typed readers of scalars. Each reports a wrong type at the value and
// returns the default, so that resolution carries on and finds more problems.

// boolean reads true or false.
func (r *resolver) boolean(ctx, key string, s scalar, def bool) bool {
	if !s.Set {
		return def
	}
	if s.Tag != "!!bool" {
		r.add(s.Pos, "%s%q must be true or false, not %q", prefix(ctx), key, s.Value)
		return def
	}
	return strings.EqualFold(s.Value, "true")
}

// integer reads a whole number.
func (r *resolver) integer(ctx, key string, s scalar, def int) int {
	if !s.Set {
		return def
	}
	if s.Tag == "!!int" {
		if n, err := strconv.ParseInt(s.Value, 0, 64); err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
			return int(n)
		}
	}
	r.add(s.Pos, "%s%q must be a whole number, not %q", prefix(ctx), key, s.Value)
	return def
}

// str reads a string. Numbers and booleans are refused so that a value
// never changes meaning silently (quote them to make them strings).
func (r *resolver) str(ctx, key string, s scalar) (string, bool) {
	if !s.Set {
		return "", false
	}
	if s.Tag != "!!str" {
		r.add(s.Pos, "%s%q must be a string, not %q (quote it if you mean the text)", prefix(ctx), key, s.Value)
		return "", false
	}
	return s.Value, true
}

// duration reads a positive Go duration such as 15m or 720h.
func (r *resolver) duration(ctx, key string, s scalar, def time.Duration) time.Duration {
	if !s.Set {
		return def
	}
	d, err := time.ParseDuration(s.Value)
	if s.Tag != "!!str" || err != nil || d <= 0 {
		r.add(s.Pos, "%s%q must be a positive Go duration such as 15m or 720h, not %q", prefix(ctx), key, s.Value)
		return def
	}
	return d
}

// oneOf reads a string that must be one of the allowed values.
func (r *resolver) oneOf(ctx, key string, s scalar, allowed []string, def string) string {
	v, ok := r.str(ctx, key, s)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.add(s.Pos, "%s%q must be one of %s, not %q%s", prefix(ctx), key, strings.Join(allowed, ", "), v, didYouMean(v, allowed))
	return def
}

// parseNumber checks a numeric literal: an int or float YAML value that is
// finite. It returns the literal to keep, or false.
func parseNumber(s scalar) (*Number, bool) {
	switch s.Tag {
	case "!!int":
		n, err := strconv.ParseInt(s.Value, 0, 64)
		if err != nil {
			return nil, false
		}
		return &Number{Text: strconv.FormatInt(n, 10)}, true
	case "!!float":
		f, err := strconv.ParseFloat(s.Value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, false
		}
		// Keep the literal when it is one big.Rat reads exactly (1e3, -2.5);
		// otherwise (YAML-only spellings) the shortest exact float form.
		n := &Number{Text: s.Value}
		if _, ok := new(big.Rat).SetString(s.Value); !ok {
			n.Text = strconv.FormatFloat(f, 'g', -1, 64)
		}
		return n, true
	}
	return nil, false
}
