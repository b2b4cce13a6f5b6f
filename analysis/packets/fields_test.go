package packets

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/filter"
)

// fieldsAgreeing are captures on which every field of the registry prints
// as tshark -T fields prints it (testdata/expected/fields; the others'
// differences are listed by analysis/query's TestFieldsTshark). Protocol
// columns hold only the protocol's presence there.
var fieldsAgreeing = []string{
	"chrissanders--dns.pcap", "chrissanders--dns_tcp.pcapng", "chrissanders--tcp_retransmissions.pcapng",
	"good-tools--dhcp.pcap", "sip-call-tcp.pcap", "dhcpv6-ia-ta.pcap",
	"vxlan.pcap", "chrissanders--icmp_traceroute.pcapng", "chrissanders--arp_resolution.pcapng",
	"chrissanders--ipv6_fragments.pcapng", "chrissanders--activeosfingerprinting.pcapng",
}

// TestAppendFieldsTshark prints every registry field of every frame as
// --fields does and compares each line with tshark's.
func TestAppendFieldsTshark(t *testing.T) {
	for _, name := range fieldsAgreeing {
		data, err := os.ReadFile(filepath.Join("../../testdata/expected/fields", name+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		ids, err := CheckFields(strings.Split(lines[0], "\t"))
		if err != nil {
			t.Fatal(err)
		}
		file, err := os.Open(filepath.Join(capturesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewScanner(file, 0)
		if err != nil {
			t.Fatal(err)
		}
		var line []byte
		n := 0
		for {
			f, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n++
			line = s.AppendFields(line[:0], ids)
			got := strings.Split(string(line), "\t")
			for i, id := range ids {
				if id.Field().Type == filter.TypeProtocol && got[i] != "" {
					got[i] = "1"
				}
			}
			if want := lines[f.Number]; strings.Join(got, "\t") != want {
				t.Errorf("%s #%d:\n got %q\nwant %q", name, f.Number, strings.Join(got, "\t"), want)
			}
		}
		file.Close()
		if n != len(lines)-1 {
			t.Errorf("%s: %d frames, tshark %d", name, n, len(lines)-1)
		}
	}
}

func TestCheckFields(t *testing.T) {
	ids, err := CheckFields([]string{"dns.id", "tcp.analysis.retransmission", "sip.Call-ID", "ip"})
	if err != nil || len(ids) != 4 || ids[0] != filter.DNSID {
		t.Fatalf("%v %v", ids, err)
	}
	if _, err := CheckFields([]string{"tcp.nosuch"}); err == nil || !strings.Contains(err.Error(), "tcp.nosuch is neither a field nor a protocol name") {
		t.Errorf("unknown field: %v", err)
	}
}

// detailOf returns the detail of frame n of a test capture.
func detailOf(t *testing.T, name string, n int) *Detail {
	t.Helper()
	file, err := os.Open(filepath.Join(capturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	s, err := NewScanner(file, 0)
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := s.Next()
		if err != nil {
			t.Fatalf("%s: frame %d not read: %v", name, n, err)
		}
		if f.Number == n {
			return s.Detail()
		}
	}
}

// TestDetailLayers checks the application layers and the TCP analysis in
// the detail: names, values as tshark prints them, and byte ranges that
// hold the value on the wire.
func TestDetailLayers(t *testing.T) {
	type want struct {
		name, value string
		bytes       string // the field's bytes in hex, "" for a computed field
	}
	for _, c := range []struct {
		capture string
		frame   int
		layer   string
		fields  []want
	}{
		{"chrissanders--dns.pcap", 1, "dns", []want{
			{"dns.id", "0xb10b", "b10b"}, {"dns.flags.response", "1", "8180"}, {"dns.flags.rcode", "0", "8180"},
			{"dns.qry.name", "www.espn.com", "03777777046573706e03636f6d00"}, {"dns.qry.type", "1", "0001"},
			{"dns.a", "68.71.212.158", "4447d49e"},
		}},
		{"good-tools--dhcp.pcap", 1, "dhcp", []want{
			{"dhcp.option.dhcp", "1", "01"},
			{"dhcp.hw.mac_addr", "00:0b:82:01:fc:42", "000b8201fc42"},
			{"dhcp.hw.mac_addr", "00:0b:82:01:fc:42", "000b8201fc42"},
		}},
		{"sip-call-tcp.pcap", 4, "sip", []want{
			{"sip.Method", "INVITE", "494e56495445"},
			{"sip.Call-ID", "1-27172@127.0.0.1", "312d3237313732403132372e302e302e31"},
		}},
		{"dhcpv6-ia-ta.pcap", 1, "dhcpv6", nil},
		{"chrissanders--tcp_retransmissions.pcapng", 3, "tcp", []want{
			{"tcp.stream", "0", ""}, {"tcp.seq", "1", ""}, {"tcp.flags.push", "1", "18"},
			{"tcp.analysis", "1", ""}, {"tcp.analysis.flags", "1", ""}, {"tcp.analysis.retransmission", "1", ""},
		}},
	} {
		d := detailOf(t, c.capture, c.frame)
		var ly *Layer
		for i := range d.Layers {
			if d.Layers[i].Name == c.layer {
				ly = &d.Layers[i]
			}
		}
		if ly == nil {
			t.Errorf("%s #%d: no %s layer", c.capture, c.frame, c.layer)
			continue
		}
		if ly.Len == 0 || ly.Off+ly.Len > len(d.Bytes) {
			t.Errorf("%s #%d: %s layer at [%d, +%d)", c.capture, c.frame, c.layer, ly.Off, ly.Len)
		}
		for _, w := range c.fields {
			found := false
			for j, fl := range ly.Fields {
				if fl.Name != w.name || fl.Value != w.value {
					continue
				}
				got := ""
				if fl.Len > 0 {
					got = hexOf(d.Bytes[fl.Off : fl.Off+fl.Len])
				}
				if w.bytes == "" || got == w.bytes {
					found = true
					ly.Fields = append(ly.Fields[:j], ly.Fields[j+1:]...) // each occurrence once
					break
				}
			}
			if !found {
				t.Errorf("%s #%d: no %s = %s over bytes %q in %+v", c.capture, c.frame, w.name, w.value, w.bytes, ly.Fields)
			}
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&0xf])
	}
	return string(out)
}
