package query

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"time"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/testrun"
)

// fuzzLinkTypes are the link types a fuzzed capture may have (first byte).
var fuzzLinkTypes = []uint32{frame.LinkEthernet, frame.LinkRaw, frame.LinkLinuxSLL, frame.LinkNull}

// fuzzCapture builds a pcap from in: the first byte picks the link type,
// then each packet is a 2-byte length and that many bytes (at most 64).
func fuzzCapture(in []byte) []byte {
	lt := frame.LinkEthernet
	if len(in) > 0 {
		lt = int(fuzzLinkTypes[int(in[0])%len(fuzzLinkTypes)])
		in = in[1:]
	}
	out := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0}
	out = binary.LittleEndian.AppendUint32(out, uint32(lt))
	for n := 0; len(in) >= 2 && n < 64; n++ {
		l := int(binary.BigEndian.Uint16(in))
		in = in[2:]
		l = min(l, len(in))
		out = binary.LittleEndian.AppendUint32(out, uint32(n/4))
		out = binary.LittleEndian.AppendUint32(out, uint32(n*1000))
		out = binary.LittleEndian.AppendUint32(out, uint32(l))
		out = binary.LittleEndian.AppendUint32(out, uint32(l+n%3))
		out = append(out, in[:l]...)
		in = in[l:]
	}
	return out
}

// fuzzSeed encodes the first packets of a test capture as fuzzCapture reads them.
func fuzzSeed(tb testing.TB, name string, max int) []byte {
	recs := testrun.Records(tb, capturesDir+"/"+name)
	seed := []byte{0}
	for i, r := range recs {
		if i >= max {
			break
		}
		seed = binary.BigEndian.AppendUint16(seed, uint16(len(r.Data)))
		seed = append(seed, r.Data...)
	}
	return seed
}

// FuzzMatcher runs filters over fuzzed frames: no filter and no frame
// makes the matcher panic or hang, and a refused filter is refused by
// NewMatcher, never while matching.
func FuzzMatcher(f *testing.F) {
	var filters []string
	if data, err := os.ReadFile(filtersFile); err == nil {
		filters = strings.Split(strings.TrimSpace(string(data)), "\n")
	}
	seeds := [][]byte{
		fuzzSeed(f, "chrissanders--tcp_retransmissions.pcapng", 6),
		fuzzSeed(f, "pcaplens-icmp-edges.pcap", 40),
		fuzzSeed(f, "sip-tcp-framing.pcap", 10),
		fuzzSeed(f, "chrissanders--dns_tcp.pcapng", 12),
		fuzzSeed(f, "pcaplens-tunnels.pcap", 20),
		fuzzSeed(f, "chrissanders--dhcp_nolease_initialization.pcapng", 4),
	}
	for i, flt := range filters {
		f.Add(flt, seeds[i%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, expr string, in []byte) {
		m, err := NewMatcher(expr)
		if err != nil {
			return
		}
		start := time.Now()
		_ = m.Run(context.Background(), bytes.NewReader(fuzzCapture(in)), func(*frame.Frame) error { return nil })
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%q: %v", expr, d)
		}
	})
}
