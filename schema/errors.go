package schema

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in a schema file, at a position.
type Error struct {
	File    string
	Line    int // 1-based; 0 when the problem has no position
	Column  int // 1-based; 0 when the problem has no position
	Message string
}

// Error formats the problem as FILE:LINE:COL: message, the form editors and
// terminals turn into a link.
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// ErrorList is every problem found in a schema file. Load and Parse return
// one, sorted by position, so that a user fixes everything in one round.
type ErrorList []*Error

// Error returns one FILE:LINE:COL: message line per problem.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sort orders the problems by position; problems at the same position keep
// the order in which they were found.
func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Column < l[j].Column
	})
}

// errs collects problems while a file is decoded and validated.
type errs struct {
	file string
	list ErrorList
}

// add records a problem at pos.
func (e *errs) add(pos Pos, format string, args ...any) {
	e.list = append(e.list, &Error{File: e.file, Line: pos.Line, Column: pos.Column, Message: fmt.Sprintf(format, args...)})
}

// err returns the collected problems as an ErrorList, or nil if there are none.
func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	e.list.sort()
	return e.list
}
