package naming

import "strings"

// irregular maps singular nouns whose plural does not follow the rules.
var irregular = map[string]string{
	"person": "people", "child": "children", "man": "men", "woman": "women",
	"mouse": "mice", "goose": "geese", "foot": "feet", "tooth": "teeth",
	"ox": "oxen", "criterion": "criteria", "datum": "data", "medium": "media",
	"analysis": "analyses", "axis": "axes", "crisis": "crises", "thesis": "theses",
	"index": "indexes", "matrix": "matrices", "vertex": "vertices", "quiz": "quizzes",
	"leaf": "leaves", "life": "lives", "knife": "knives", "wife": "wives",
	"half": "halves", "shelf": "shelves", "wolf": "wolves", "cactus": "cacti",
	"focus": "foci", "fungus": "fungi", "syllabus": "syllabi", "octopus": "octopuses",
	"status": "statuses", "campus": "campuses", "bus": "buses", "virus": "viruses",
	"photo": "photos", "piano": "pianos", "halo": "halos", "video": "videos",
	"radio": "radios", "zoo": "zoos", "hero": "heroes", "potato": "potatoes",
	"tomato": "tomatoes", "echo": "echoes", "veto": "vetoes",
}

// uncountable nouns have the same plural as singular.
var uncountable = map[string]bool{
	"equipment": true, "information": true, "rice": true, "money": true,
	"species": true, "series": true, "fish": true, "sheep": true, "deer": true,
	"news": true, "metadata": true, "feedback": true, "software": true,
	"hardware": true, "staff": true, "media": true, "data": true, "settings": true,
}

// Plural returns the English plural of the last word of a snake_case or
// PascalCase name, in snake_case: "Person" -> "people",
// "OrderItem" -> "order_items", "Address" -> "addresses", "Status" -> "statuses".
func Plural(name string) string {
	words := Words(name)
	if len(words) == 0 {
		return ""
	}
	last := len(words) - 1
	words[last] = pluralWord(words[last])
	return strings.Join(words, "_")
}

func pluralWord(w string) string {
	if uncountable[w] {
		return w
	}
	if p, ok := irregular[w]; ok {
		return p
	}
	switch {
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"),
		strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	case strings.HasSuffix(w, "y") && len(w) > 1 && !isVowel(w[len(w)-2]):
		return w[:len(w)-1] + "ies"
	default:
		return w + "s"
	}
}

// Singular returns the singular of a snake_case plural, best effort:
// "people" -> "person", "order_items" -> "order_item".
func Singular(name string) string {
	words := Words(name)
	if len(words) == 0 {
		return ""
	}
	last := len(words) - 1
	words[last] = singularWord(words[last])
	return strings.Join(words, "_")
}

func singularWord(w string) string {
	if uncountable[w] {
		return w
	}
	for s, p := range irregular {
		if p == w {
			return s
		}
	}
	switch {
	case strings.HasSuffix(w, "us"), strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "is"):
		// Already singular: status, address, analysis.
		return w
	case strings.HasSuffix(w, "ies") && len(w) > 3:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zes"),
		strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	default:
		return w
	}
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
