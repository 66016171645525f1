// Package synth builds synthetic schemas of any size for the generation and
// build benchmarks, so that every measurement runs on the same input.
package synth

import (
	"fmt"
	"strings"
)

// Schema returns a valid schema file with n entities. Each has ten fields
// covering the common types and two relations: an optional belongs_to the
// previous entity (the first points at the last, closing a cycle, as real
// schemas do) and a many_to_many to the next one.
func Schema(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: synth%d\nmodule: example.com/synth%d\nentities:\n", n, n)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  %s:\n", EntityName(i))
		b.WriteString(`    fields:
      name: {type: string, required: true, max_length: 120}
      code: {type: string, required: true, unique: true, pattern: "^[A-Z0-9-]{3,32}$"}
      summary: text
      quantity: {type: int, default: 0, min: 0}
      ratio: {type: float, min: 0, max: 1}
      amount: {type: decimal, precision: 12, scale: 2}
      active: {type: bool, default: true}
      happened_at: time
      day: date
      kind: {type: enum, values: [small, medium, large], default: small}
`)
		if n > 1 {
			fmt.Fprintf(&b, "    relations:\n")
			fmt.Fprintf(&b, "      previous: {belongs_to: %s, on_delete: set_null}\n", EntityName((i+n-1)%n))
			fmt.Fprintf(&b, "      links: {many_to_many: %s}\n", EntityName((i+1)%n))
		}
	}
	return []byte(b.String())
}

// EntityName returns the name of the i-th entity: a letter code and "Item"
// (AaaItem, AabItem, ...). Letters, because digits make awkward Go names;
// the suffix, because a bare code may look plural (Abs) and be rejected.
func EntityName(i int) string {
	code := make([]byte, 3)
	for j := len(code) - 1; j >= 0; j-- {
		code[j] = byte('a' + i%26)
		i /= 26
	}
	code[0] -= 'a' - 'A'
	return string(code) + "Item"
}
