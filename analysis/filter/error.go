package filter

import "fmt"

// Error is a refused filter: a message in tshark's words and, when the
// fault lies in one part of the filter, its byte offset and length.
type Error struct {
	Msg string // e.g. `tcp.foo is neither a field nor a protocol name.`
	Pos int    // byte offset of the offending part in the filter
	Len int    // its length in bytes; 0 when the message names no position
}

// Error returns the message with the position, prefixed with the package.
func (e *Error) Error() string {
	if e.Len == 0 {
		return "filter: " + e.Msg
	}
	return fmt.Sprintf("filter: offset %d: %s", e.Pos, e.Msg)
}

func errAt(pos, n int, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Pos: pos, Len: n}
}
