//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/engine"
)

func TestCostOfEveryAnalyzer(t *testing.T) {
	known := map[string]bool{}
	for _, f := range engine.Factories() {
		known[f.Name] = true
		if _, ok := analyzerCost[f.Name]; !ok {
			t.Errorf("analyzer %s has no measured cost in analyzerCost (run web/test/bench/tool-cost.mjs)", f.Name)
		}
	}
	for name := range analyzerCost {
		if !known[name] {
			t.Errorf("analyzerCost names %s, which no analyzer is", name)
		}
	}
}

func TestPlan(t *testing.T) {
	all := engine.ToolNames()
	factoryOf := map[string]string{}
	for _, f := range engine.Factories() {
		for _, tool := range f.Tools {
			factoryOf[tool] = f.Name
		}
	}
	for _, n := range []int{0, 1, 2, 3, 4, 8, 100} {
		groups, err := plan(nil, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) < 1 || len(groups) > max(n, 1) {
			t.Fatalf("plan(nil, %d) made %d groups", n, len(groups))
		}
		if n <= 1 && len(groups) != 1 {
			t.Errorf("plan(nil, %d) = %v, want one group", n, groups)
		}
		var tools []string
		where := map[string]int{} // factory → group
		var costs []float64
		for i, g := range groups {
			if len(g) == 0 || !sort.StringsAreSorted(g) {
				t.Errorf("plan(nil, %d): group %d is %v (empty or not in name order)", n, i, g)
			}
			c := 0.0
			for _, tool := range g {
				f := factoryOf[tool]
				if j, ok := where[f]; ok && j != i {
					t.Errorf("plan(nil, %d): the tools of %s are in groups %d and %d", n, f, j, i)
				}
				if _, ok := where[f]; !ok {
					c += costOf(f)
				}
				where[f] = i
			}
			costs = append(costs, c)
			tools = append(tools, g...)
		}
		if !sort.Float64sAreSorted(costs) {
			t.Errorf("plan(nil, %d): groups cost %v, want the cheapest first", n, costs)
		}
		sort.Strings(tools)
		if !slices.Equal(tools, all) {
			t.Errorf("plan(nil, %d) holds %v, want every tool once: %v", n, tools, all)
		}
	}
	// With these costs, two workers finish sooner than one.
	if g, _ := plan(nil, 2); len(g) != 2 {
		t.Errorf("plan(nil, 2) = %v, want two groups", g)
	}
	if g, err := plan([]string{"dns"}, 4); err != nil || !reflect.DeepEqual(g, [][]string{{"dns"}}) {
		t.Errorf("plan([dns], 4) = %v, %v", g, err)
	}
	// A tool selected alone from its analyzer comes alone.
	if g, err := plan([]string{"tcp_anomalies", "capinfos"}, 1); err != nil || !reflect.DeepEqual(g, [][]string{{"capinfos", "tcp_anomalies"}}) {
		t.Errorf("plan([tcp_anomalies capinfos], 1) = %v, %v", g, err)
	}
	if _, err := plan([]string{"nope"}, 2); err == nil {
		t.Error("plan of an unknown tool: no error")
	}
}

// openGroup analyses b with these tools in a session closed with closeSummary.
func openGroup(t *testing.T, b []byte, tools []string) safejs.Value {
	t.Helper()
	list := make([]any, len(tools))
	for i, x := range tools {
		list[i] = x
	}
	opts, _ := safejs.ValueOf(map[string]any{"detailed": true, "fileName": "x.pcap", "tools": list})
	s, err := api(t).Call("open", opts)
	if err != nil {
		t.Fatal(err)
	}
	if r := await(t, mustCall(t, s, "write", uint8Array(t, b))); !r.ok {
		t.Fatal("write rejected")
	}
	if r := await(t, mustCall(t, s, "closeSummary")); !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("closeSummary rejected: %s", msg)
	}
	return s
}

// jsArray makes an empty JavaScript array.
func jsArray(t *testing.T) safejs.Value {
	t.Helper()
	ctor, _ := safejs.Global().Get("Array")
	a, err := ctor.New()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// member is one report of reportMembers.
type member struct {
	name string
	text string
}

func members(t *testing.T, s safejs.Value) []member {
	t.Helper()
	r := await(t, mustCall(t, s, "reportMembers"))
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("reportMembers rejected: %s", msg)
	}
	n, _ := r.v.Length()
	var out []member
	for i := 0; i < n; i++ {
		m, _ := r.v.Index(i)
		name, _ := m.Get("name")
		part, _ := m.Get("member")
		ns, _ := name.String()
		arr := jsArray(t)
		mustCall(t, arr, "push", part)
		out = append(out, member{ns, joinParts(t, arr)})
	}
	return out
}

// TestSplitIsOneRun analyses captures split among workers as the page does
// (api.ts Analyzer): the document joined from every session's members, the
// findings ranked by the first session over the others' toolFindings, is
// byte for byte the CLI's.
func TestSplitIsOneRun(t *testing.T) {
	for _, name := range []string{
		"pcaplens-ip-fragments.pcap", "kday3.pcap", "chrissanders--sessionhijacking.pcapng",
		"chrissanders--synscan.pcapng", "mptcp-v0.pcap", "sip-tcp-framing.pcap", "truncated.pcapng",
	} {
		b, err := os.ReadFile("../testdata/captures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		cli, err := reportJSON(context.Background(), bytes.NewReader(b), &engine.Options{Detailed: true, FileName: "x.pcap", Threshold: defaultThreshold})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{2, 3, len(engine.Factories())} {
			groups, err := plan(nil, n)
			if err != nil {
				t.Fatal(err)
			}
			var sessions []safejs.Value
			for _, g := range groups {
				sessions = append(sessions, openGroup(t, b, g))
			}
			arr := jsArray(t)
			for _, s := range sessions[1:] {
				r := await(t, mustCall(t, s, "toolFindings"))
				if !r.ok {
					t.Fatal("toolFindings rejected")
				}
				mustCall(t, arr, "push", r.v)
			}
			r := await(t, mustCall(t, sessions[0], "mergeFindings", arr))
			if !r.ok {
				_, msg := errorText(r.err)
				t.Fatalf("mergeFindings rejected: %s", msg)
			}
			merged := stringify(t, r.v)
			var all []member
			for i, s := range sessions {
				for _, m := range members(t, s) {
					if i == 0 || m.name != engine.FindingsKey {
						all = append(all, m)
					}
				}
			}
			sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
			var doc strings.Builder
			doc.WriteString("{")
			for i, m := range all {
				if i > 0 {
					doc.WriteString(",")
				}
				doc.WriteString(m.text)
			}
			doc.WriteString("}\n")
			if doc.String() != string(cli) {
				t.Errorf("%s in %d groups %v: the joined document differs from the CLI's", name, len(groups), groups)
			}
			if !strings.Contains(string(cli), `"findings":`+merged) {
				t.Errorf("%s in %d groups: mergeFindings answered %s, not the CLI's findings", name, len(groups), merged)
			}
			for _, s := range sessions {
				s.Call("dispose")
			}
		}
	}
}

func TestMergeFindingsTwice(t *testing.T) {
	b, err := os.ReadFile("../testdata/captures/kday3.pcap")
	if err != nil {
		t.Fatal(err)
	}
	a := openGroup(t, b, []string{"capinfos"})
	defer a.Call("dispose")
	r := await(t, mustCall(t, a, "toolFindings"))
	arr := jsArray(t)
	mustCall(t, arr, "push", r.v)
	// The first session's own tool given again is refused.
	if r := await(t, mustCall(t, a, "mergeFindings", arr)); r.ok {
		t.Error("mergeFindings took a tool's findings twice")
	}
	bad, _ := safejs.ValueOf([]any{map[string]any{"dns": []any{map[string]any{"count": "x"}}}})
	if r := await(t, mustCall(t, a, "mergeFindings", bad)); r.ok {
		t.Error("mergeFindings took a count that is not a number")
	}
}
