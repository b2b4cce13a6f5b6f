package filter

import (
	"net/netip"
	"testing"
)

// layerSource is a Source with a layer for each occurrence.
type layerSource struct {
	vals   map[FieldID][]Value
	layers map[FieldID][]int32
}

func (s layerSource) Values(id FieldID, buf []Value) []Value { return append(buf, s.vals[id]...) }

func (s layerSource) Layers(id FieldID, buf []int32) []int32 { return append(buf, s.layers[id]...) }

// TestLayerOperator checks which layers each form of the layer operator
// selects, as tshark 4.0.17 selects them on frame 1 of
// pcaplens-tunnels.pcap (IPv4 in GRE in IPv4: ip.src 192.0.2.1 in layer 1,
// 10.1.0.1 in layer 2).
func TestLayerOperator(t *testing.T) {
	outer, inner := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("10.1.0.1")
	src := layerSource{
		vals:   map[FieldID][]Value{IPSrc: {Addr(outer), Addr(inner)}},
		layers: map[FieldID][]int32{IPSrc: {1, 2}},
	}
	for _, c := range []struct {
		layers       string
		outer, inner bool
	}{
		{"1", true, false}, {"2", false, true}, {"0", false, false}, {"02", false, true},
		{"[0]", false, false}, {"[1]", true, false}, {"[3]", false, false}, {"[-0]", false, false},
		{"[2:]", false, true}, {"[:1]", false, false}, {"[:2]", true, false},
		{"[1:2]", true, true}, {"[1:1]", true, false}, {"[0:2]", true, false}, {"[2:5]", false, true},
		{"[-2:]", true, true}, {"[-2:1]", true, false}, {"[-1:]", false, true}, {"[-1]", false, true},
		{"[1-2]", true, true}, {"[0-1]", true, false}, {"[-2--1]", false, false},
		{"[1,2]", true, true}, {"[ 1 ]", true, false}, {"[1:2,2]", true, true}, {"[+1]", true, false},
	} {
		for _, w := range []struct {
			addr netip.Addr
			want bool
		}{{outer, c.outer}, {inner, c.inner}} {
			expr := "ip.src#" + c.layers + " == " + w.addr.String()
			f, err := Compile(expr)
			if err != nil {
				t.Fatalf("%s: %v", expr, err)
			}
			if got := f.Match(src); got != w.want {
				t.Errorf("%s: %v, tshark %v", expr, got, w.want)
			}
		}
	}
	// A Source that does not tell layers has every occurrence in layer 1.
	plain := fakeSource{IPSrc: {Addr(outer), Addr(inner)}}
	for expr, want := range map[string]bool{"ip.src#1 == 10.1.0.1": true, "ip.src#2": false, "ip.src#[-1] == 192.0.2.1": true} {
		if got := mustCompile(t, expr).Match(plain); got != want {
			t.Errorf("%s on a plain Source: %v, want %v", expr, got, want)
		}
	}
}

// mustCompile compiles expr or fails the test.
func mustCompile(t *testing.T, expr string) *Filter {
	t.Helper()
	f, err := Compile(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return f
}
