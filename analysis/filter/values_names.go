package filter

import "strings"

// valueString names one value of an integer field (Wireshark's value_string).
type valueString struct {
	v    uint64
	name string
}

// lookupValueString finds the value named s for field f, ignoring case as
// tshark 4.0 does.
func lookupValueString(f FieldID, s string) (uint64, bool) {
	for _, vs := range valueStringsByName[fields[f].name] {
		if strings.EqualFold(vs.name, s) {
			return vs.v, true
		}
	}
	return 0, false
}

// lookupTrueFalse reads s as one of boolean field f's strings ("Set",
// "Not set"), ignoring case.
func lookupTrueFalse(f FieldID, s string) (bool, bool) {
	tf, ok := trueFalseByName[fields[f].name]
	if !ok {
		return false, false
	}
	switch {
	case strings.EqualFold(tf[0], s):
		return true, true
	case strings.EqualFold(tf[1], s):
		return false, true
	}
	return false, false
}
