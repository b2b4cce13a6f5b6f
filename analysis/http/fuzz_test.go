package http

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
)

// FuzzTap drives the http tap (tcpstream's reassembly, the Follower, the
// pairing and the report) with TCP and UDP segments made from the fuzz
// input: each record is a control byte (direction, flags, connection, UDP),
// a sequence offset and a payload. Nothing may panic and Finish must build
// a report.
func FuzzTap(f *testing.F) {
	f.Add([]byte("\x02\x00\x00\x00GET / HTTP/1.1\r\nHost: a\r\n\r\n\x03\x00\x00\x00HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nMZ"))
	f.Add([]byte("\x02\x00\x00\x00POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\x02\x00\x10\x003\r\nabc\r\n0\r\n\r\n\x43\x00\x00\x00HTTP/1.1 101 x\r\n\r\n"))
	f.Add([]byte("\x80\x00\x00\x00M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tap := New(&engine.Options{MaxPackets: 50})
		c := netip.AddrFrom4([4]byte{10, 0, 0, 1})
		s := netip.AddrFrom4([4]byte{10, 0, 0, 2})
		var seq [8][2]uint32
		n := 0
		for len(data) >= 4 && n < 200 {
			ctl, off := data[0], binary.BigEndian.Uint16(data[2:4])
			k := int(data[1]) % 40
			if k > len(data)-4 {
				k = len(data) - 4
			}
			payload := data[4 : 4+k]
			data = data[4+k:]
			n++
			fr := frame.Frame{Number: n, TimeNs: int64(n) * 1e6, SrcIP: c, DstIP: s, SrcPort: 40000, DstPort: 80, Payload: payload}
			conn := int(ctl>>3) & 7
			dir := int(ctl & 1)
			if dir == 1 {
				fr.SrcIP, fr.DstIP, fr.SrcPort, fr.DstPort = s, c, 80, 40000
			}
			if ctl&0x80 != 0 {
				fr.Transport = frame.TransportUDP
				fr.DstPort = 1900
				tap.Packet(&fr)
				continue
			}
			fr.Transport = frame.TransportTCP
			fr.TCPStream = conn
			fr.TCP.SYN = ctl&0x40 != 0 && len(payload) == 0
			fr.TCP.ACK = true
			fr.TCP.FIN = ctl&0x20 != 0
			fr.TCP.RST = ctl&0x24 == 0x24
			fr.TCP.Seq = seq[conn][dir] + uint32(off) - 0x100
			fr.TCP.Ack = seq[conn][1-dir]
			fr.Reassembled = true // TCPLen is the payload's length
			seq[conn][dir] = fr.TCP.Seq + uint32(len(payload))
			tap.Packet(&fr)
		}
		out := tap.Finish(&engine.Capture{Packets: n, Options: &engine.Options{}})
		if _, ok := out["http"].(*Report); !ok {
			t.Fatalf("no report: %v", out)
		}
	})
}
