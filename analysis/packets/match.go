package packets

import (
	"strings"

	"pcaplens/analysis/query"
)

// NewMatcher compiles a Wireshark display filter into the Matcher the
// packet list, export and follow use (analysis/query, every field of
// analysis/filter's registry); an empty filter selects every frame. A
// refused filter is the filter's *filter.Error, with its position. It is
// the one place the CLI and the WebAssembly bridge get their matcher.
func NewMatcher(expr string) (Matcher, error) {
	if strings.TrimSpace(expr) == "" {
		return All, nil
	}
	m, err := query.NewMatcher(expr)
	if err != nil {
		return nil, err
	}
	return m, nil
}
