package dhcp

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
)

// DHCPv6 message types (RFC 8415 section 7.3 and the IANA registry).
var v6TypeNames = [...]string{
	1: "SOLICIT", 2: "ADVERTISE", 3: "REQUEST", 4: "CONFIRM", 5: "RENEW",
	6: "REBIND", 7: "REPLY", 8: "RELEASE", 9: "DECLINE", 10: "RECONFIGURE",
	11: "INFORMATION-REQUEST", 12: "RELAY-FORW", 13: "RELAY-REPL",
	14: "LEASEQUERY", 15: "LEASEQUERY-REPLY", 16: "LEASEQUERY-DONE",
	17: "LEASEQUERY-DATA", 18: "RECONFIGURE-REQUEST", 19: "RECONFIGURE-REPLY",
	20: "DHCPV4-QUERY", 21: "DHCPV4-RESPONSE", 22: "ACTIVELEASEQUERY",
	23: "STARTTLS", 24: "BNDUPD", 25: "BNDREPLY", 26: "POOLREQ", 27: "POOLRESP",
	28: "UPDREQ", 29: "UPDREQALL", 30: "UPDDONE", 31: "CONNECT", 32: "CONNECTREPLY",
	33: "DISCONNECT", 34: "STATE", 35: "CONTACT", 36: "ADDR-REG-INFORM", 37: "ADDR-REG-REPLY",
}

// V6TypeName names a DHCPv6 message type.
func V6TypeName(t byte) string {
	if int(t) < len(v6TypeNames) && v6TypeNames[t] != "" {
		return v6TypeNames[t]
	}
	return "UNKNOWN(" + strconv.Itoa(int(t)) + ")"
}

// DHCPv6 option codes used here (RFC 8415 section 21).
const (
	v6OptClientID    = 1
	v6OptServerID    = 2
	v6OptIANA        = 3
	v6OptIATA        = 4
	v6OptIAAddr      = 5
	v6OptRelayMsg    = 9
	v6OptStatusCode  = 13
	v6OptDNSServers  = 23
	v6OptDomainList  = 24
	v6OptIAPD        = 25
	v6OptIAPrefix    = 26
	maxRelayDepth    = 8
	maxV6LeasesPerIA = 32
)

// V6Message is one decoded DHCPv6 message (innermost client/server message
// of a relay chain). Strings are copies.
type V6Message struct {
	// Types lists the message types from the outermost relay to the inner message.
	Types []byte
	// Type and Xid are the inner message's.
	Type      byte
	Xid       uint32
	ClientID  string
	ClientMAC string
	ServerID  string
	// Addresses are IA_NA/IA_TA addresses; Prefixes IA_PD prefixes.
	Addresses []V6Lease
	Prefixes  []V6Lease
	// Status is a top-level or IA status code other than Success (0), as "name: message".
	Status     string
	DNSServers []string
	Domains    []string
	// Relayed is true when the message came through RELAY-FORW/RELAY-REPL.
	Relayed bool
}

// V6Lease is an address or prefix with its lifetimes (seconds).
type V6Lease struct {
	Value     string `json:"value"`
	Preferred uint32 `json:"preferred_lifetime"`
	Valid     uint32 `json:"valid_lifetime"`
}

// ParseV6 decodes a DHCPv6 message (RFC 8415 section 8 and 9).
func ParseV6(b []byte) (V6Message, error) {
	var m V6Message
	return m, parseV6(b, &m, 0)
}

func parseV6(b []byte, m *V6Message, depth int) error {
	if len(b) < 4 {
		return fmt.Errorf("dhcpv6: message of %d bytes, shorter than 4", len(b))
	}
	t := b[0]
	m.Types = append(m.Types, t)
	if t == 12 || t == 13 { // relay, RFC 8415 section 9
		m.Relayed = true
		if len(b) < 34 {
			return fmt.Errorf("dhcpv6: relay message of %d bytes, shorter than 34", len(b))
		}
		if depth >= maxRelayDepth {
			return fmt.Errorf("dhcpv6: more than %d nested relay messages", maxRelayDepth)
		}
		var inner []byte
		err := walkV6(b[34:], func(code uint16, v []byte) {
			if code == v6OptRelayMsg && inner == nil {
				inner = v
			}
		})
		if err != nil {
			return err
		}
		if inner == nil {
			m.Type = t
			return nil
		}
		return parseV6(inner, m, depth+1)
	}
	m.Type = t
	m.Xid = uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	return walkV6(b[4:], func(code uint16, v []byte) {
		switch code {
		case v6OptClientID:
			m.ClientID = DUID(v)
			m.ClientMAC = DUIDMAC(v)
		case v6OptServerID:
			m.ServerID = DUID(v)
		case v6OptIANA, v6OptIATA, v6OptIAPD:
			m.ia(code, v)
		case v6OptStatusCode:
			m.status(v)
		case v6OptDNSServers:
			for i := 0; i+16 <= len(v) && len(m.DNSServers) < 16; i += 16 {
				m.DNSServers = append(m.DNSServers, netip.AddrFrom16([16]byte(v[i:i+16])).String())
			}
		case v6OptDomainList:
			m.Domains = dnsNamesList(v)
		}
	})
}

// ia decodes IA_NA (RFC 8415 section 21.4), IA_TA (21.5) and IA_PD (21.21).
func (m *V6Message) ia(code uint16, v []byte) {
	hdr := 12 // IAID, T1, T2
	if code == v6OptIATA {
		hdr = 4
	}
	if len(v) < hdr {
		return
	}
	walkV6(v[hdr:], func(c uint16, d []byte) {
		switch {
		case c == v6OptIAAddr && len(d) >= 24 && len(m.Addresses) < maxV6LeasesPerIA:
			m.Addresses = append(m.Addresses, V6Lease{
				Value:     netip.AddrFrom16([16]byte(d[:16])).String(),
				Preferred: binary.BigEndian.Uint32(d[16:]),
				Valid:     binary.BigEndian.Uint32(d[20:]),
			})
		case c == v6OptIAPrefix && len(d) >= 25 && len(m.Prefixes) < maxV6LeasesPerIA:
			bits := int(d[8])
			if bits > 128 {
				bits = 128
			}
			m.Prefixes = append(m.Prefixes, V6Lease{
				Value:     netip.PrefixFrom(netip.AddrFrom16([16]byte(d[9:25])), bits).String(),
				Preferred: binary.BigEndian.Uint32(d[0:]),
				Valid:     binary.BigEndian.Uint32(d[4:]),
			})
		case c == v6OptStatusCode:
			m.status(d)
		}
	})
}

var v6StatusNames = [...]string{"Success", "UnspecFail", "NoAddrsAvail", "NoBinding", "NotOnLink", "UseMulticast", "NoPrefixAvail"}

func (m *V6Message) status(v []byte) {
	if len(v) < 2 {
		return
	}
	c := binary.BigEndian.Uint16(v)
	if c == 0 || m.Status != "" {
		return
	}
	name := "status " + strconv.Itoa(int(c))
	if int(c) < len(v6StatusNames) {
		name = v6StatusNames[c]
	}
	m.Status = name
	if msg := text(v[2:]); msg != "" {
		m.Status += ": " + msg
	}
}

// walkV6 iterates DHCPv6 options (RFC 8415 section 21.1).
func walkV6(b []byte, fn func(code uint16, v []byte)) error {
	for i := 0; i < len(b); {
		if i+4 > len(b) {
			return fmt.Errorf("dhcpv6: option header at offset %d cut short", i)
		}
		code := binary.BigEndian.Uint16(b[i:])
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if i+4+n > len(b) {
			return fmt.Errorf("dhcpv6: option %d at offset %d: length %d runs past the end", code, i, n)
		}
		fn(code, b[i+4:i+4+n])
		i += 4 + n
	}
	return nil
}

// DUID returns a DHCP unique identifier (RFC 8415 section 11) in hex.
func DUID(d []byte) string { return hex.EncodeToString(d) }

// DUIDMAC returns the Ethernet address inside a DUID-LLT or DUID-LL (RFC 8415
// sections 11.2 and 11.4), or "".
func DUIDMAC(d []byte) string {
	if len(d) < 4 || binary.BigEndian.Uint16(d[2:]) != 1 {
		return ""
	}
	switch t := binary.BigEndian.Uint16(d); {
	case t == 1 && len(d) == 14:
		return macString(d[8:14])
	case t == 3 && len(d) == 10:
		return macString(d[4:10])
	}
	return ""
}
