package filter

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The agreement with tshark 4.0 recorded by testdata/record.sh.

// unsupportedFilters are filters tshark 4.0 accepts that this package refuses on
// purpose (see doc.go), each with the start of our message.
var unsupportedFilters = map[string]string{
	"ip.src == ${ip.dst}": "Field references",
	"tcp.port + 1 == 2":   "Arithmetic",
	"tcp.port * 2 == 2":   "Arithmetic",
	"udp.port & 0x35":     "Bitwise",
}

type goldenFilter struct {
	filter   string
	ok       bool
	off, len int
	msg      string
	frames   []string // per capture: "1,2,3", "none" or "-"
}

func readGolden(t *testing.T) (captures []string, rows []goldenFilter) {
	t.Helper()
	data, err := os.ReadFile("testdata/filters.golden.tsv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	head := strings.Split(lines[0], "\t")
	captures = head[5:]
	for _, l := range lines[1:] {
		c := strings.Split(l, "\t")
		if len(c) != len(head) {
			t.Fatalf("golden: %d columns in %q", len(c), l)
		}
		off, _ := strconv.Atoi(c[2])
		n, _ := strconv.Atoi(c[3])
		rows = append(rows, goldenFilter{filter: c[0], ok: c[1] == "ok", off: off, len: n, msg: c[4], frames: c[5:]})
	}
	return captures, rows
}

// TestTsharkAcceptReject compares accept/reject, error positions and
// messages with tshark's.
func TestTsharkAcceptReject(t *testing.T) {
	_, rows := readGolden(t)
	if len(rows) < 80 {
		t.Fatalf("only %d filters in the golden", len(rows))
	}
	var posAgree, msgAgree, rejected int
	for _, g := range rows {
		_, err := Compile(g.filter)
		if want, ok := unsupportedFilters[g.filter]; ok {
			if err == nil || !strings.HasPrefix(err.(*Error).Msg, want) {
				t.Errorf("%q: got %v, want refused as unsupported (%s…)", g.filter, err, want)
			}
			continue
		}
		if g.ok {
			if err != nil {
				t.Errorf("%q: tshark accepts it, we refuse: %v", g.filter, err)
			}
			continue
		}
		rejected++
		if err == nil {
			t.Errorf("%q: tshark refuses it (%s), we accept it", g.filter, g.msg)
			continue
		}
		e := err.(*Error)
		wantPos, wantLen := g.off, g.len
		if wantLen == 0 {
			wantPos = -1
		}
		gotPos, gotLen := e.Pos, e.Len
		if gotLen == 0 {
			gotPos = -1
		}
		if gotPos == wantPos && gotLen == wantLen {
			posAgree++
		} else if !knownPositionDiffers[g.filter] {
			t.Errorf("%q: position %d+%d, tshark %d+%d (%s | %s)", g.filter, gotPos, gotLen, wantPos, wantLen, e.Msg, g.msg)
		}
		if e.Msg == g.msg {
			msgAgree++
		} else if !knownMessageDiffers[g.filter] {
			t.Errorf("%q: message %q, tshark %q", g.filter, e.Msg, g.msg)
		}
	}
	t.Logf("%d filters; %d refused by tshark: same position for %d, same message for %d", len(rows), rejected, posAgree, msgAgree)
}

// knownMessageDiffers are refusals whose wording is ours, not tshark's
// (Go's regexp is not PCRE2).
var knownMessageDiffers = map[string]bool{
	"frame.number == 1 or $foo": true, // ours names the field reference
	"ipv6.addr == fe80::1%eth0": true, // ours names the % operator
}

// knownPositionDiffers are refusals where we point elsewhere than tshark.
var knownPositionDiffers = map[string]bool{
	"frame.number == 1 or $foo": true, // we point at "$"
	"ipv6.addr == fe80::1%eth0": true, // we point at "%"
}

// TestTsharkMatches evaluates every filter tshark accepts over a Source
// built from tshark's own field values (testdata/<capture>.fields.tsv) and
// compares the matching frames with tshark -Y's.
func TestTsharkMatches(t *testing.T) {
	captures, rows := readGolden(t)
	frames := make([][]fakeSource, len(captures))
	for i, c := range captures {
		frames[i] = readFieldsTSV(t, "testdata/"+c+".fields.tsv")
	}
	evaluated := 0
	for _, g := range rows {
		if !g.ok || unsupportedFilters[g.filter] != "" {
			continue
		}
		f, err := Compile(g.filter)
		if err != nil {
			continue // reported by TestTsharkAcceptReject
		}
		if comparesProtocolBytes(f) {
			continue // tshark -T fields does not give a protocol's bytes
		}
		if usesLayers(f) {
			continue // -T fields does not say an occurrence's layer (analysis/query's agreement covers them)
		}
		evaluated++
		for i, c := range captures {
			var got []string
			for n, src := range frames[i] {
				if f.Match(src) {
					got = append(got, strconv.Itoa(n+1))
				}
			}
			want := g.frames[i]
			gotS := strings.Join(got, ",")
			if gotS == "" {
				gotS = "none"
			}
			if gotS != want {
				t.Errorf("%q on %s: frames %s, tshark %s", g.filter, c, gotS, want)
			}
		}
	}
	t.Logf("%d filters evaluated on %d captures", evaluated, len(captures))
}

func usesLayers(f *Filter) bool {
	var walk func(n *node) bool
	walk = func(n *node) bool {
		return n.layers != nil || n.otherLayers != nil || slices.ContainsFunc(n.kids, walk)
	}
	return walk(f.root)
}

func comparesProtocolBytes(f *Filter) bool {
	var walk func(n *node) bool
	walk = func(n *node) bool {
		if (n.kind == nCmp || n.kind == nIn) && fields[n.field].typ == TypeProtocol {
			return true
		}
		return slices.ContainsFunc(n.kids, walk)
	}
	return walk(f.root)
}

func readFieldsTSV(t *testing.T, path string) []fakeSource {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var ids []FieldID
	var out []fakeSource
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if ids == nil {
			for _, name := range c {
				f, ok := Lookup(name)
				if !ok {
					t.Fatalf("%s: unknown field %q", path, name)
				}
				ids = append(ids, f.ID)
			}
			continue
		}
		src := fakeSource{}
		for i, s := range c {
			if s == "" || i >= len(ids) {
				continue
			}
			for _, occ := range strings.Split(s, "|") {
				v, ok := parseTextValue(ids[i], occ)
				if !ok {
					t.Fatalf("%s: %s: cannot read %q", path, ids[i], occ)
				}
				src[ids[i]] = append(src[ids[i]], v)
			}
		}
		out = append(out, src)
	}
	return out
}

// TestRegistryTypes checks the registry's types, and which integer fields
// are shown in hexadecimal, against tshark -G fields.
func TestRegistryTypes(t *testing.T) {
	data, err := os.ReadFile("testdata/fields.golden.tsv")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		c := strings.Split(l, "\t")
		if len(c) != 3 {
			t.Fatalf("fields.golden.tsv: %d columns in %q", len(c), l)
		}
		name, ft, base := c[0], c[1], c[2]
		f, ok := Lookup(name)
		if !ok {
			t.Errorf("%s: in tshark's list, not in the registry", name)
			continue
		}
		seen++
		want := ft
		if want == "FT_STRINGZ" {
			want = "FT_STRING"
		}
		if f.Type.String() != want {
			t.Errorf("%s: type %s, tshark %s", name, f.Type, ft)
		}
		if hex := base == "BASE_HEX" || base == "BASE_HEX_DEC"; f.ID.Hex() != hex {
			t.Errorf("%s: Hex() %v, tshark's base %s", name, f.ID.Hex(), base)
		}
	}
	// Fields of later Wireshark versions that 4.0 does not know.
	seen += len(newerThan40)
	if seen != int(numFields)-1 {
		t.Errorf("tshark knows %d of the registry's %d names", seen, numFields-1)
	}
}

// newerThan40 are registry fields tshark 4.0 does not have (later
// Wireshark versions do): they cannot be checked against it.
var newerThan40 = []FieldID{TLSHandshakeJA4}
