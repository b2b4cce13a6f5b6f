package filter

import (
	"bufio"
	"net/netip"
	"os"
	"strings"
	"testing"
)

// TestTextTshark reads every value tshark -T fields printed for the
// registry's fields (testdata/<capture>.fields.tsv, recorded by record.sh)
// and requires AppendText to print it back identically. Protocols are the
// one exception: tshark prints their tree's summary line, AppendText their
// name.
func TestTextTshark(t *testing.T) {
	captures, _ := readGolden(t)
	checked := map[FieldID]int{}
	for _, c := range captures {
		path := "testdata/" + c + ".fields.tsv"
		file, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ids []FieldID
		for line := 0; sc.Scan(); line++ {
			cells := strings.Split(sc.Text(), "\t")
			if ids == nil {
				for _, name := range cells {
					f, _ := Lookup(name)
					ids = append(ids, f.ID)
				}
				continue
			}
			for i, cell := range cells {
				if cell == "" || i >= len(ids) || ids[i].Field().Type == TypeProtocol {
					continue
				}
				var vs []Value
				for _, occ := range strings.Split(cell, "|") {
					v, ok := parseTextValue(ids[i], occ)
					if !ok {
						t.Fatalf("%s:%d: %s: cannot read %q", path, line, ids[i], occ)
					}
					vs = append(vs, v)
				}
				want := strings.ReplaceAll(cell, "|", ",")
				if got := string(AppendValues(nil, ids[i], vs)); got != want {
					t.Errorf("%s:%d: %s: got %q, tshark %q", path, line, ids[i], got, want)
				}
				checked[ids[i]]++
			}
		}
		file.Close()
	}
	if len(checked) < 60 {
		t.Errorf("only %d fields have values in the recorded captures", len(checked))
	}
	t.Logf("%d fields checked against tshark's text", len(checked))
}

func TestTextForms(t *testing.T) {
	for _, c := range []struct {
		id   FieldID
		v    Value
		want string
	}{
		{DNSID, Uint(0x1a), "0x001a"},
		{EthType, Uint(0x86dd), "0x86dd"},
		{TCPFlags, Uint(0x12), "0x0012"},
		{IPID, Uint(0), "0x0000"},
		{TCPSrcPort, Uint(443), "443"},
		{TCPFlagsSyn, Bool(true), "1"},
		{IPFlagsMF, Bool(false), "0"},
		{TCPAnalysisRetransmission, Present(), "1"},
		{FrameTimeDelta, Time(-1_000_000), "-0.001000000"},
		{FrameTimeRelative, Time(12_345_678_901), "12.345678901"},
		{DNSTime, Time(0), "0.000000000"},
		{IPv6Src, Addr(netip.MustParseAddr("2001:db8::1")), "2001:db8::1"},
		{EthSrc, Ether([6]byte{0, 0x1b, 0xc, 0xff, 0xa0, 1}), "00:1b:0c:ff:a0:01"},
		{SIPCallID, String([]byte("a b@c")), "a b@c"},
		{IP, Bytes([]byte{0x45}), "ip"},
	} {
		if got := c.v.Text(c.id); got != c.want {
			t.Errorf("%s: %q, want %q", c.id, got, c.want)
		}
	}
	if got := string(AppendValues(nil, IPAddr, []Value{Addr(netip.MustParseAddr("10.0.0.1")), Addr(netip.MustParseAddr("10.0.0.2"))})); got != "10.0.0.1,10.0.0.2" {
		t.Errorf("occurrences: %q", got)
	}
}
