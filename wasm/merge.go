//go:build js && wasm

package main

import (
	"bytes"
	"math"
	"reflect"
	"sort"
	"strconv"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// When the page splits the tools among several workers (plan), each worker's
// session holds the reports of its group. The page puts the answer together
// from theirs: the reports side by side (reportMembers), and the findings
// ranked once, by the first worker's session, over every report's findings
// (toolFindings from the others, then mergeFindings): the same findings, in
// the same order, as one worker's run gives.

// members encodes each report as one member of the CLI's document:
// "name":value, in name order. `pcaplens analyze` prints "{", the members
// joined by ",", then "}\n" (reportParts).
func (rs *reportState) members(emit func(name string, member []byte) error) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, name := range rs.names() {
		// Written once, after its name: a list of rows made when read (the
		// TCP connections of a 1 M frame capture are 141 MB of JSON) is not
		// made whole first, nor copied.
		var buf bytes.Buffer
		buf.WriteString(strconv.Quote(name) + ":")
		if err := report.WriteJSON(&buf, rs.reports[name]); err != nil {
			return err
		}
		if err := emit(name, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// toolFindings returns each report's own findings (unranked), by tool.
func (rs *reportState) toolFindings() map[string][]finding.Finding {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := map[string][]finding.Finding{}
	for name, rep := range rs.reports {
		if l, ok := rep.(finding.Lister); ok && name != engine.FindingsKey {
			out[name] = l.FindingList()
		}
	}
	return out
}

// listed is another worker's report, of which the merge needs only the findings.
type listed []finding.Finding

// FindingList implements finding.Lister.
func (l listed) FindingList() []finding.Finding { return l }

// mergeFindings ranks the findings of these reports and of the reports of
// other workers (by tool, as toolFindings gives them) together, as the
// engine ranks one run's (engine.Findings), and keeps them as the report's
// findings.
func (rs *reportState) mergeFindings(others []map[string][]finding.Finding) ([]finding.Finding, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	all := map[string]any{}
	for name, rep := range rs.reports {
		if name != engine.FindingsKey {
			all[name] = rep
		}
	}
	for _, o := range others {
		for name, fs := range o {
			if _, dup := all[name]; dup || name == engine.FindingsKey {
				return nil, errorf(codeBadOptions, "pcaplens: the findings of %s are given twice", name)
			}
			all[name] = listed(fs)
		}
	}
	merged := engine.Findings(all)
	rs.reports[engine.FindingsKey] = merged
	return merged, nil
}

// reportMembers implements session.reportMembers() → Promise<{name,
// member}[]>: each report as one member of the CLI's document ("name":value
// as a Uint8Array), in name order.
func (s *session) reportMembers([]safejs.Value) (any, error) {
	return promise(func() (any, error) {
		rs, err := s.report()
		if err != nil {
			return nil, err
		}
		var out []any
		err = rs.members(func(name string, member []byte) error {
			obj, err := newObject()
			if err != nil {
				return err
			}
			if err := obj.Set("name", name); err != nil {
				return err
			}
			if err := setBytes(obj, "member", member); err != nil {
				return err
			}
			out = append(out, obj)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}), nil
}

// toolFindingsFunc implements session.toolFindings() → Promise<{[tool]:
// Finding[]}>: each kept report's own findings, for another worker's
// mergeFindings.
func (s *session) toolFindingsFunc([]safejs.Value) (any, error) {
	return promise(func() (any, error) {
		rs, err := s.report()
		if err != nil {
			return nil, err
		}
		return jsonValue(rs.toolFindings())
	}), nil
}

// mergeFindingsFunc implements session.mergeFindings(others) →
// Promise<Finding[]>: others are the toolFindings of the other workers'
// sessions over the same capture; the answer is every finding ranked, now
// the kept report's findings (reportJSON, reportMembers).
func (s *session) mergeFindingsFunc(args []safejs.Value) (any, error) {
	list := arg(args, 0)
	n, err := list.Length()
	if err != nil || list.Type() != safejs.TypeObject {
		return nil, errorf(codeBadOptions, "pcaplens: mergeFindings wants an array of the other workers' toolFindings")
	}
	others := make([]map[string][]finding.Finding, 0, n)
	for i := 0; i < n && i < 64; i++ {
		o, err := list.Index(i)
		if err != nil {
			return nil, err
		}
		m := map[string][]finding.Finding{}
		if err := fromJS(o, reflect.ValueOf(&m).Elem(), 0); err != nil {
			return nil, err
		}
		others = append(others, m)
	}
	return promise(func() (any, error) {
		rs, err := s.report()
		if err != nil {
			return nil, err
		}
		merged, err := rs.mergeFindings(others)
		if err != nil {
			return nil, err
		}
		return jsonValue(merged)
	}), nil
}

// maxFromJS bounds the elements fromJS reads from one array or object.
const maxFromJS = 100_000

// fromJS reads a JavaScript value (as JSON.parse gives it) into dst, by
// dst's Go type and its JSON field names, without the JSON decoder (which
// would grow the module). undefined and null leave dst as it is.
func fromJS(v safejs.Value, dst reflect.Value, depth int) error {
	bad := func() error {
		return errorf(codeBadOptions, "pcaplens: a %s was expected", dst.Type())
	}
	if v.IsUndefined() || v.IsNull() {
		return nil
	}
	if depth > 8 {
		return bad()
	}
	switch dst.Kind() {
	case reflect.String:
		if v.Type() != safejs.TypeString {
			return bad()
		}
		s, err := v.String()
		if err != nil {
			return err
		}
		dst.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Type() != safejs.TypeNumber {
			return bad()
		}
		f, err := v.Float()
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 || dst.OverflowInt(int64(f)) {
			return bad()
		}
		dst.SetInt(int64(f))
	case reflect.Float32, reflect.Float64:
		if v.Type() != safejs.TypeNumber {
			return bad()
		}
		f, err := v.Float()
		if err != nil {
			return err
		}
		dst.SetFloat(f)
	case reflect.Bool:
		if v.Type() != safejs.TypeBoolean {
			return bad()
		}
		b, err := v.Bool()
		if err != nil {
			return err
		}
		dst.SetBool(b)
	case reflect.Slice:
		if v.Type() != safejs.TypeObject {
			return bad()
		}
		n, err := v.Length()
		if err != nil || n > maxFromJS {
			return bad()
		}
		s := reflect.MakeSlice(dst.Type(), n, n)
		for i := 0; i < n; i++ {
			e, err := v.Index(i)
			if err != nil {
				return err
			}
			if err := fromJS(e, s.Index(i), depth+1); err != nil {
				return err
			}
		}
		dst.Set(s)
	case reflect.Struct:
		if v.Type() != safejs.TypeObject {
			return bad()
		}
		for _, f := range report.Fields(dst.Type()) {
			x, err := v.Get(f.Name)
			if err != nil {
				return err
			}
			if err := fromJS(x, dst.FieldByIndex(f.Index), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type() != safejs.TypeObject || dst.Type().Key().Kind() != reflect.String {
			return bad()
		}
		obj, err := safejs.Global().Get("Object")
		if err != nil {
			return err
		}
		keys, err := obj.Call("keys", v)
		if err != nil {
			return err
		}
		n, err := keys.Length()
		if err != nil || n > maxFromJS {
			return bad()
		}
		if dst.IsNil() {
			dst.Set(reflect.MakeMap(dst.Type()))
		}
		names := make([]string, 0, n)
		for i := 0; i < n; i++ {
			k, err := keys.Index(i)
			if err != nil {
				return err
			}
			name, err := k.String()
			if err != nil {
				return err
			}
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			x, err := v.Get(name)
			if err != nil {
				return err
			}
			e := reflect.New(dst.Type().Elem()).Elem()
			if err := fromJS(x, e, depth+1); err != nil {
				return err
			}
			dst.SetMapIndex(reflect.ValueOf(name).Convert(dst.Type().Key()), e)
		}
	default:
		return bad()
	}
	return nil
}
