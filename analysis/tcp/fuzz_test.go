package tcp_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/tcp"
	"pcaplens/analysis/tcp/internal/pktgen"
)

// FuzzSegments turns the input into TCP segments between a few endpoints
// (12 bytes each: flags, window, sequence, acknowledgement, length, options)
// and runs the four reports: nothing may panic, whatever the numbers.
func FuzzSegments(f *testing.F) {
	f.Add([]byte("\x02\x00\x10\x00\x00\x00\x01\x00\x00\x00\x00\x00\x12\x00\x10\x00\x00\x00\x05\x00\x00\x00\x02\x00"))
	f.Add(bytes.Repeat([]byte{0x10, 0, 0, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 1, 4}, 8))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := pktgen.NewPcap()
		addrs := []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")}
		now := int64(1e18)
		for len(data) >= 12 {
			d := data[:12]
			data = data[12:]
			v6 := d[0]&0x80 != 0
			dir := int(d[0]>>6) & 1
			a, b := addrs[0], addrs[1]
			if v6 {
				a, b = addrs[2], addrs[3]
			}
			sp, dp := uint16(1000+int(d[1]&3)), uint16(80)
			if dir == 1 {
				a, b, sp, dp = b, a, dp, sp
			}
			var opts []byte
			if d[11]&0x80 != 0 && len(data) > 0 {
				n := int(d[11]&0x1f) % (len(data) + 1)
				opts, data = data[:n], data[n:]
				if len(opts) > 40 {
					opts = opts[:40]
				}
			}
			now += int64(d[11]&0x7f) * 1e5
			p.Add(&pktgen.Seg{TimeNs: now, Src: a, Dst: b, SrcPort: sp, DstPort: dp,
				Seq: binary.BigEndian.Uint32(d[3:]), Ack: binary.BigEndian.Uint32(d[7:]),
				Flags: d[0] & 0x3f, Window: uint16(d[2]) << 4, Len: int(d[1] >> 2), Options: opts})
		}
		for _, o := range []engine.Options{{}, {ServerIP: "10.0.0.2", Detailed: true}, {ServerPort: 80}} {
			o.Tools = []string{tcp.ToolConnections, tcp.ToolAnomalies, tcp.ToolRetransmissions, tcp.ToolTrafficFlow}
			out, err := engine.Run(context.Background(), bytes.NewReader(p.Buf), &o)
			if err != nil {
				t.Fatal(err)
			}
			for name, rep := range out {
				if e, ok := rep.(engine.ErrorReport); ok && bytes.Contains([]byte(e.Error), []byte("internal error")) {
					t.Fatalf("%s: %s", name, e.Error)
				}
			}
		}
	})
}

// FuzzCapture runs the TCP tools over arbitrary capture bytes, seeded with
// the TCP captures of testdata.
func FuzzCapture(f *testing.F) {
	for _, name := range []string{"tcp_synthetic.pcap", "chrissanders--tcp_dupack.pcapng", "kday4.pcap", "bgp-cease-hard-reset.pcap"} {
		if b, err := os.ReadFile(filepath.Join("../../testdata/captures", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ip := range []string{"10.0.0.2", ""} {
			// Findings told so far at every 512 bytes, with a server filter and without.
			o := &engine.Options{Tools: []string{tcp.ToolConnections, tcp.ToolAnomalies, tcp.ToolRetransmissions, tcp.ToolTrafficFlow}, ServerIP: ip,
				ProgressEvery: 512, Progress: func(engine.Progress) {}, Detailed: ip == ""}
			out, err := engine.Run(context.Background(), bytes.NewReader(data), o)
			if err != nil {
				return
			}
			for name, rep := range out {
				if e, ok := rep.(engine.ErrorReport); ok && bytes.Contains([]byte(e.Error), []byte("internal error")) {
					t.Fatalf("%s: %s", name, e.Error)
				}
			}
			if w := out[tcp.ToolAnomalies].(*tcp.AnomaliesReport).Warnings; len(w) > 0 && strings.Contains(strings.Join(w, "\n"), "internal error") {
				t.Fatalf("warnings: %q", w)
			}
			// The rows are made when read: read them all.
			if _, err := json.Marshal(out); err != nil {
				t.Fatal(err)
			}
		}
	})
}
