package icmp_test

import (
	"bytes"
	"encoding/binary"
	"net"
	"os"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"pcaplens/analysis/golden"
)

const truncatedPath = "../../testdata/captures/pcaplens-icmp-truncated.pcap"

// truncated builds ICMP messages whose header is cut short, by the IP length
// or by the capture, and ICMPv6 behind an AH header of zero length (bare
// and quoted in an error): tshark counts each by its type and code.
func truncated() []byte {
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	n := 0
	frame := func(et uint16, ip []byte, caplen int) {
		b := append([]byte{0, 1, 2, 3, 4, 6, 0, 1, 2, 3, 4, 5, byte(et >> 8), byte(et)}, ip...)
		if caplen < 0 || caplen > len(b) {
			caplen = len(b)
		}
		n++
		w.WritePacket(gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(n) * time.Millisecond), CaptureLength: caplen, Length: len(b)}, b[:caplen])
	}
	v4 := func(icmp []byte) []byte {
		h := []byte{0x45, 0, 0, 0, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(icmp)))
		return append(h, icmp...)
	}
	v6 := func(next byte, payload []byte) []byte {
		h := make([]byte, 40)
		h[0] = 0x60
		binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
		h[6], h[7] = next, 64
		copy(h[8:], net.ParseIP("2001:db8::1"))
		copy(h[24:], net.ParseIP("2001:db8::2"))
		return append(h, payload...)
	}
	// AH with a payload length of 0: 8 bytes (next header, length, reserved, SPI).
	ah := func(next byte) []byte { return []byte{next, 0, 0, 0, 0, 0, 1, 0} }
	frame(0x0800, v4([]byte{8, 0, 0xf7, 0xff}), -1)                              // 1 echo request, 4 bytes
	frame(0x0800, v4([]byte{0, 0, 0xff, 0xff, 0}), -1)                           // 2 echo reply, 5 bytes
	frame(0x0800, v4([]byte{3, 3}), -1)                                          // 3 port unreachable, 2 bytes
	frame(0x0800, v4([]byte{13}), -1)                                            // 4 timestamp, type only
	frame(0x0800, v4([]byte{8, 0, 0, 0, 0, 7, 0, 1, 'a', 'b'}), 14+20+4)         // 5 echo request cut by the capture
	frame(0x86dd, v6(58, []byte{128, 0, 0, 0}), -1)                              // 6 ICMPv6 echo request, 4 bytes
	frame(0x86dd, v6(58, []byte{129, 0}), -1)                                    // 7 ICMPv6 echo reply, 2 bytes
	frame(0x86dd, v6(51, append(ah(58), 128, 0, 0, 0, 0, 5, 0, 1)), -1)          // 8 echo request behind AH
	frame(0x86dd, v6(51, append(ah(58), 129, 0, 0, 0, 0, 5, 0, 1)), -1)          // 9 its reply
	quoted := v6(51, append(ah(17), 0x13, 0x88, 0, 53, 0, 8, 0, 0))              // UDP behind AH
	frame(0x86dd, v6(58, append([]byte{1, 4, 0, 0, 0, 0, 0, 0}, quoted...)), -1) // 10 port unreachable quoting it
	frame(0x0800, v4([]byte{8, 0, 0xf7, 0xfe, 0, 1, 0}), -1)                     // 11 echo request, 7 bytes
	frame(0x0800, v4([]byte{3, 1, 0xfc, 0xfe, 0, 0}), -1)                        // 12 host unreachable, 6 bytes
	return out.Bytes()
}

// TestTruncatedCapture keeps the committed capture equal to what
// truncated() builds (go test -update rewrites it; then rerun
// testdata/tshark/icmp.sh).
func TestTruncatedCapture(t *testing.T) {
	b := truncated()
	if golden.Updating() {
		if err := os.WriteFile(truncatedPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(truncatedPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, b) {
		t.Fatalf("%s differs from what truncated() builds: run go test -update and testdata/tshark/icmp.sh", truncatedPath)
	}
}
