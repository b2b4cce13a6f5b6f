package packets

import (
	"fmt"
	"strconv"

	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
)

// fieldServed are the registry fields FieldText extracts today, by name
// (analysis/filter's registry). The full set comes with the query
// package's Source; until then the others are refused by CheckFields.
var fieldServed = map[filter.FieldID]bool{
	filter.FrameNumber: true, filter.FrameTimeRelative: true, filter.FrameLen: true, filter.FrameCapLen: true,
	filter.EthSrc: true, filter.EthDst: true,
	filter.IPSrc: true, filter.IPDst: true, filter.IPProto: true, filter.IPTTL: true,
	filter.IPv6Src: true, filter.IPv6Dst: true,
	filter.TCPSrcPort: true, filter.TCPDstPort: true, filter.TCPStream: true, filter.TCPLen: true,
	filter.TCPSeq: true, filter.TCPAck: true, filter.TCPWindowSize: true,
	filter.UDPSrcPort: true, filter.UDPDstPort: true, filter.UDPStream: true,
}

// CheckFields resolves field names (as tshark -e takes them) to registry
// IDs, refusing unknown names and fields not extracted yet.
func CheckFields(names []string) ([]filter.FieldID, error) {
	ids := make([]filter.FieldID, 0, len(names))
	for _, n := range names {
		f, ok := filter.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("packets: %s is neither a field nor a protocol name", n)
		}
		if !fieldServed[f.ID] {
			return nil, fmt.Errorf("packets: field %s cannot be printed yet", n)
		}
		ids = append(ids, f.ID)
	}
	return ids, nil
}

// FieldText returns field id of the current frame as tshark -T fields
// prints it, "" when the frame does not have it.
func (s *Scanner) FieldText(id filter.FieldID) string { return s.fieldText(id) }

func (s *Scanner) fieldText(id filter.FieldID) string {
	f := &s.fr
	v4 := f.Network == frame.NetIPv4 && f.SrcIP.Is4()
	v6 := f.Network == frame.NetIPv6 && f.SrcIP.Is6()
	isTCP, isUDP := f.Transport == frame.TransportTCP, f.Transport == frame.TransportUDP
	switch id {
	case filter.FrameNumber:
		return strconv.Itoa(f.Number)
	case filter.FrameTimeRelative:
		var d int64
		if !f.NoTime && s.hasFirst {
			d = f.TimeNs - s.first
		}
		return formatSeconds(d, 9)
	case filter.FrameLen:
		return strconv.Itoa(f.OrigLen)
	case filter.FrameCapLen:
		return strconv.Itoa(f.CapLen)
	case filter.EthSrc:
		if f.HasMAC {
			return mac(f.SrcMAC)
		}
	case filter.EthDst:
		if f.HasMAC {
			return mac(f.DstMAC)
		}
	case filter.IPSrc:
		if v4 {
			return f.SrcIP.String()
		}
	case filter.IPDst:
		if v4 {
			return f.DstIP.String()
		}
	case filter.IPProto:
		if v4 {
			return strconv.Itoa(int(f.Proto))
		}
	case filter.IPTTL:
		if v4 {
			return strconv.Itoa(int(f.TTL))
		}
	case filter.IPv6Src:
		if v6 {
			return f.SrcIP.String()
		}
	case filter.IPv6Dst:
		if v6 {
			return f.DstIP.String()
		}
	case filter.TCPSrcPort, filter.UDPSrcPort:
		if (id == filter.TCPSrcPort && isTCP) || (id == filter.UDPSrcPort && isUDP) {
			return strconv.Itoa(int(f.SrcPort))
		}
	case filter.TCPDstPort, filter.UDPDstPort:
		if (id == filter.TCPDstPort && isTCP) || (id == filter.UDPDstPort && isUDP) {
			return strconv.Itoa(int(f.DstPort))
		}
	case filter.TCPStream:
		if isTCP && f.TCPStream >= 0 {
			return strconv.Itoa(f.TCPStream)
		}
	case filter.UDPStream:
		if isUDP && f.UDPStream >= 0 {
			return strconv.Itoa(f.UDPStream)
		}
	case filter.TCPLen:
		if isTCP {
			return strconv.Itoa(len(f.Payload))
		}
	case filter.TCPSeq:
		if isTCP {
			if s.tcpSet {
				return strconv.FormatUint(uint64(s.relSeq), 10)
			}
			return strconv.FormatUint(uint64(f.TCP.Seq), 10)
		}
	case filter.TCPAck:
		if isTCP && f.TCP.ACK {
			if s.tcpSet {
				return strconv.FormatUint(uint64(s.relAck), 10)
			}
			return strconv.FormatUint(uint64(f.TCP.Ack), 10)
		}
	case filter.TCPWindowSize:
		if isTCP {
			if s.tcpSet {
				return strconv.FormatUint(uint64(s.win), 10)
			}
			return strconv.Itoa(int(f.TCP.Window))
		}
	}
	return ""
}
