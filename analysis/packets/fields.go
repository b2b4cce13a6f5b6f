package packets

import (
	"fmt"

	"pcaplens/analysis/filter"
)

// CheckFields resolves field names (as tshark -e takes them) to the IDs of
// analysis/filter's registry, refusing unknown names with tshark's words.
func CheckFields(names []string) ([]filter.FieldID, error) {
	ids := make([]filter.FieldID, 0, len(names))
	for _, n := range names {
		f, ok := filter.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("packets: %s is neither a field nor a protocol name", n)
		}
		ids = append(ids, f.ID)
	}
	return ids, nil
}

// AppendFields appends fields ids of the current frame as tshark 4.0
// -T fields -e … prints them: tab-separated, each field's occurrences
// separated by commas, an empty column for a field the frame does not
// have; no newline. The values are those of the frame's display-filter
// Source (query.Matcher.AppendText), the one extraction of field values.
func (s *Scanner) AppendFields(dst []byte, ids []filter.FieldID) []byte {
	for i, id := range ids {
		if i > 0 {
			dst = append(dst, '\t')
		}
		dst = s.ext.AppendText(dst, id)
	}
	return dst
}

// Want makes the Scanner serve fields ids beyond those it serves for
// every frame (query.Matcher.WantAll leaves out the tls fields, whose
// reading costs every frame): call it before the first Next.
func (s *Scanner) Want(ids ...filter.FieldID) { s.ext.Want(ids...) }
