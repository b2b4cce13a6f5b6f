package frame

// TCPLen is the TCP payload length of a frame with a TCP header as the IP
// header claims it (Wireshark's tcp.len), or -1 when it cannot be known.
// It can exceed len(f.Payload) when the frame was captured short. A
// segment reassembled from IP fragments is whole: its length is its
// payload's; a fragment that completes nothing has no known length.
func (f *Frame) TCPLen() int {
	switch {
	case f.Reassembled:
		return len(f.Payload)
	case f.Fragment:
		return -1
	}
	hdr := int(f.TCP.DataOffset) * 4
	var ipPayload int
	switch f.Network {
	case NetIPv4:
		if f.IPv4.Length == 0 { // TSO: no length in the header; use the frame
			return len(f.TCP.Contents) + len(f.TCP.Payload) - hdr
		}
		ipPayload = int(f.IPv4.Length) - int(f.IPv4.IHL)*4
	case NetIPv6:
		ipPayload = int(f.IPv6.Length)
		if f.IPv6.NextHeader != 6 {
			// Extension headers: their length is the distance from the end of
			// the fixed header to the TCP header, both slices of f.Data.
			ipOff := cap(f.Data) - cap(f.IPv6.Contents)
			tcpOff := cap(f.Data) - cap(f.TCP.Contents)
			ext := tcpOff - (ipOff + 40)
			if ext < 0 || ext > ipPayload || len(f.IPv6.Contents) == 0 || len(f.TCP.Contents) == 0 {
				return -1
			}
			ipPayload -= ext
		}
	default:
		return -1
	}
	// When the IP header claims more than the frame holds on the wire,
	// Wireshark uses what is there (packet-ip.c trims to the reported length).
	if len(f.TCP.Contents) > 0 && cap(f.TCP.Contents) <= cap(f.Data) {
		if avail := f.OrigLen - (cap(f.Data) - cap(f.TCP.Contents)); avail >= 0 && avail < ipPayload {
			ipPayload = avail
		}
	}
	if ipPayload < hdr {
		return -1
	}
	return ipPayload - hdr
}
