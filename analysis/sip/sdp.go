package sip

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"
)

// maxMedia caps the media lines and maxCodecs the payload types kept per SDP.
const (
	maxMedia  = 16
	maxCodecs = 32
)

// SDP is a parsed session description (RFC 8866), reduced to what media
// analysis needs.
type SDP struct {
	// Address is the session-level connection address (c=).
	Address string  `json:"address,omitempty"`
	Media   []Media `json:"media"`
}

// Media is one m= line.
type Media struct {
	Type string `json:"type"`
	// Address is the media-level c= address, else the session-level one.
	Address string `json:"address"`
	Port    int    `json:"port"`
	Proto   string `json:"proto"`
	// Direction is sendrecv, sendonly, recvonly or inactive (a= attribute).
	Direction string  `json:"direction"`
	Codecs    []Codec `json:"codecs"`
}

// Codec is one payload type of a media line.
type Codec struct {
	PayloadType int    `json:"payload_type"`
	Name        string `json:"name"`
	ClockRate   int    `json:"clock_rate"`
}

// staticPT names the static RTP payload types (RFC 3551 and the IANA "RTP
// Payload Types" registry) with their clock rates.
var staticPT = map[int]Codec{
	0: {0, "PCMU", 8000}, 3: {3, "GSM", 8000}, 4: {4, "G723", 8000},
	5: {5, "DVI4", 8000}, 6: {6, "DVI4", 16000}, 7: {7, "LPC", 8000},
	8: {8, "PCMA", 8000}, 9: {9, "G722", 8000}, 10: {10, "L16", 44100},
	11: {11, "L16", 44100}, 12: {12, "QCELP", 8000}, 13: {13, "CN", 8000},
	14: {14, "MPA", 90000}, 15: {15, "G728", 8000}, 16: {16, "DVI4", 11025},
	17: {17, "DVI4", 22050}, 18: {18, "G729", 8000}, 19: {19, "CN", 8000},
	25: {25, "CelB", 90000}, 26: {26, "JPEG", 90000}, 28: {28, "nv", 90000},
	31: {31, "H261", 90000}, 32: {32, "MPV", 90000}, 33: {33, "MP2T", 90000},
	34: {34, "H263", 90000},
}

// ParseSDP parses an SDP body. Lines it does not need are skipped; it never fails.
func ParseSDP(b []byte) *SDP {
	s := &SDP{}
	var cur *Media
	for len(b) > 0 {
		end, next := lineEnd(b)
		if end < 0 {
			end, next = len(b), len(b)
		}
		line := bytes.TrimSpace(b[:end])
		b = b[next:]
		if len(line) < 2 || line[1] != '=' {
			continue
		}
		val := string(line[2:])
		switch line[0] {
		case 'c':
			// c=IN IP4 192.0.2.1[/ttl]
			f := strings.Fields(val)
			if len(f) < 3 {
				continue
			}
			addr, _, _ := strings.Cut(f[2], "/")
			if cur != nil {
				cur.Address = addr
			} else {
				s.Address = addr
			}
		case 'm':
			// m=audio 49170 RTP/AVP 0 8 101
			f := strings.Fields(val)
			if len(f) < 3 || len(s.Media) >= maxMedia {
				cur = nil
				continue
			}
			portStr, _, _ := strings.Cut(f[1], "/")
			port, err := strconv.Atoi(portStr)
			if err != nil || port < 0 || port > 65535 {
				cur = nil
				continue
			}
			md := Media{Type: f[0], Address: s.Address, Port: port, Proto: f[2], Direction: "sendrecv"}
			for _, p := range f[3:] {
				if len(md.Codecs) >= maxCodecs {
					break
				}
				pt, err := strconv.Atoi(p)
				if err != nil || pt < 0 || pt > 127 {
					continue
				}
				c, ok := staticPT[pt]
				if !ok {
					c = Codec{PayloadType: pt}
				}
				md.Codecs = append(md.Codecs, c)
			}
			s.Media = append(s.Media, md)
			cur = &s.Media[len(s.Media)-1]
		case 'a':
			if cur == nil {
				continue
			}
			switch {
			case val == "sendrecv" || val == "sendonly" || val == "recvonly" || val == "inactive":
				cur.Direction = val
			case strings.HasPrefix(val, "rtpmap:"):
				// a=rtpmap:101 telephone-event/8000[/channels]
				ptStr, enc, ok := strings.Cut(val[len("rtpmap:"):], " ")
				if !ok {
					continue
				}
				pt, err := strconv.Atoi(ptStr)
				if err != nil {
					continue
				}
				name, rate, _ := strings.Cut(strings.TrimSpace(enc), "/")
				rate, _, _ = strings.Cut(rate, "/")
				r, _ := strconv.Atoi(rate)
				for i := range cur.Codecs {
					if cur.Codecs[i].PayloadType == pt {
						cur.Codecs[i].Name = name
						cur.Codecs[i].ClockRate = r
					}
				}
			}
		}
	}
	// The session address applies to media lines that came before a later session c= (rare).
	for i := range s.Media {
		if s.Media[i].Address == "" {
			s.Media[i].Address = s.Address
		}
	}
	return s
}

// endpoint returns the media's address and port as an AddrPort (ok false when
// the address is not an IP literal or the port is 0, i.e. a rejected stream).
func (m *Media) endpoint() (netip.AddrPort, bool) {
	a, err := netip.ParseAddr(m.Address)
	if err != nil || m.Port == 0 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(a.Unmap(), uint16(m.Port)), true
}

// codecNames lists a media line's codec names ("PCMA/8000").
func (m *Media) codecNames() []string {
	out := make([]string, 0, len(m.Codecs))
	for _, c := range m.Codecs {
		if c.Name == "" {
			out = append(out, strconv.Itoa(c.PayloadType))
			continue
		}
		out = append(out, c.Name+"/"+strconv.Itoa(c.ClockRate))
	}
	return out
}
