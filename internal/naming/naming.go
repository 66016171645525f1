// Package naming converts schema names into Go, SQL and URL names.
//
// Schema entity names are PascalCase (OrderItem) and field names snake_case
// (unit_price). From those come Go identifiers that follow Go's initialisms
// (user_id -> UserID), snake_case plural table names (order_items) and
// kebab-case plural route segments (order-items).
package naming

import (
	"go/token"
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names, as golint and the standard
// library do (ID, URL, HTTP ...).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "CSV": true,
	"DNS": true, "EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true,
	"ID": true, "IP": true, "JSON": true, "JWT": true, "LHS": true, "OS": true,
	"QPS": true, "RAM": true, "RHS": true, "RPC": true, "SKU": true, "SLA": true,
	"SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true,
	"UDP": true, "UI": true, "UID": true, "URI": true, "URL": true, "UTF8": true,
	"UUID": true, "VM": true, "XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// Words splits a snake_case, kebab-case, camelCase or PascalCase name into
// lower-case words: "OrderItem" -> [order item], "HTTPServer" -> [http server],
// "user_id" -> [user id].
func Words(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(s)
	for i, r := range runes {
		switch {
		case r == '_' || r == '-' || r == ' ' || r == '.':
			flush()
		case unicode.IsUpper(r):
			// A new word starts at an upper-case letter that follows a lower-case
			// letter or digit, or that precedes a lower-case letter in a run of
			// capitals (the S in "HTTPServer").
			if len(cur) > 0 {
				prev := runes[i-1]
				nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					flush()
				}
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// Pascal returns the exported Go name: "user_id" -> "UserID",
// "api_key" -> "APIKey", "OrderItem" -> "OrderItem".
func Pascal(s string) string {
	var b strings.Builder
	for _, w := range Words(s) {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// Camel returns the unexported Go name: "user_id" -> "userID",
// "id" -> "id", "URLPath" -> "urlPath". Go keywords and predeclared
// identifiers get a trailing underscore so they stay usable as variables.
func Camel(s string) string {
	words := Words(s)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(words[0])
	for _, w := range words[1:] {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	out := b.String()
	if token.IsKeyword(out) || predeclared[out] {
		out += "_"
	}
	return out
}

// predeclared are Go's predeclared identifiers, which a generated variable
// must not shadow.
var predeclared = map[string]bool{
	"any": true, "append": true, "bool": true, "byte": true, "cap": true, "clear": true,
	"close": true, "comparable": true, "complex": true, "complex128": true, "complex64": true,
	"copy": true, "delete": true, "error": true, "false": true, "float32": true,
	"float64": true, "imag": true, "int": true, "int16": true, "int32": true, "int64": true,
	"int8": true, "iota": true, "len": true, "make": true, "max": true, "min": true,
	"new": true, "nil": true, "panic": true, "print": true, "println": true, "real": true,
	"recover": true, "rune": true, "string": true, "true": true, "uint": true,
	"uint16": true, "uint32": true, "uint64": true, "uint8": true, "uintptr": true,
}

// Snake returns snake_case: "OrderItem" -> "order_item".
func Snake(s string) string { return strings.Join(Words(s), "_") }

// Kebab returns kebab-case: "order_items" -> "order-items".
func Kebab(s string) string { return strings.Join(Words(s), "-") }

// Package returns a Go package name: lower case, no separators.
func Package(s string) string { return strings.Join(Words(s), "") }
