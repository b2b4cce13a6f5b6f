package dhcp

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
)

// V6Type is a DHCPv6 message type (RFC 8415 section 7.3; Wireshark's
// dhcpv6.msgtype).
type V6Type byte

// DHCPv6 message types (IANA "Message Types" of the DHCPv6 parameters).
const (
	V6Solicit            V6Type = 1  // RFC 8415
	V6Advertise          V6Type = 2  // RFC 8415
	V6Request            V6Type = 3  // RFC 8415
	V6Confirm            V6Type = 4  // RFC 8415
	V6Renew              V6Type = 5  // RFC 8415
	V6Rebind             V6Type = 6  // RFC 8415
	V6Reply              V6Type = 7  // RFC 8415
	V6Release            V6Type = 8  // RFC 8415
	V6Decline            V6Type = 9  // RFC 8415
	V6Reconfigure        V6Type = 10 // RFC 8415
	V6InformationRequest V6Type = 11 // RFC 8415
	V6RelayForw          V6Type = 12 // RFC 8415
	V6RelayRepl          V6Type = 13 // RFC 8415
	V6LeaseQuery         V6Type = 14 // RFC 5007
	V6LeaseQueryReply    V6Type = 15 // RFC 5007
	V6LeaseQueryDone     V6Type = 16 // RFC 5460
	V6LeaseQueryData     V6Type = 17 // RFC 5460
	V6ReconfigureRequest V6Type = 18 // RFC 6977
	V6ReconfigureReply   V6Type = 19 // RFC 6977
	V6DHCPv4Query        V6Type = 20 // RFC 7341
	V6DHCPv4Response     V6Type = 21 // RFC 7341
	V6ActiveLeaseQuery   V6Type = 22 // RFC 7653
	V6StartTLS           V6Type = 23 // RFC 7653
	V6BndUpd             V6Type = 24 // RFC 8156
	V6BndReply           V6Type = 25 // RFC 8156
	V6PoolReq            V6Type = 26 // RFC 8156
	V6PoolResp           V6Type = 27 // RFC 8156
	V6UpdReq             V6Type = 28 // RFC 8156
	V6UpdReqAll          V6Type = 29 // RFC 8156
	V6UpdDone            V6Type = 30 // RFC 8156
	V6Connect            V6Type = 31 // RFC 8156
	V6ConnectReply       V6Type = 32 // RFC 8156
	V6Disconnect         V6Type = 33 // RFC 8156
	V6State              V6Type = 34 // RFC 8156
	V6Contact            V6Type = 35 // RFC 8156
	V6AddrRegInform      V6Type = 36 // RFC 9686
	V6AddrRegReply       V6Type = 37 // RFC 9686
)

var v6TypeNames = [...]string{
	V6Solicit: "SOLICIT", V6Advertise: "ADVERTISE", V6Request: "REQUEST",
	V6Confirm: "CONFIRM", V6Renew: "RENEW", V6Rebind: "REBIND", V6Reply: "REPLY",
	V6Release: "RELEASE", V6Decline: "DECLINE", V6Reconfigure: "RECONFIGURE",
	V6InformationRequest: "INFORMATION-REQUEST", V6RelayForw: "RELAY-FORW",
	V6RelayRepl: "RELAY-REPL", V6LeaseQuery: "LEASEQUERY",
	V6LeaseQueryReply: "LEASEQUERY-REPLY", V6LeaseQueryDone: "LEASEQUERY-DONE",
	V6LeaseQueryData: "LEASEQUERY-DATA", V6ReconfigureRequest: "RECONFIGURE-REQUEST",
	V6ReconfigureReply: "RECONFIGURE-REPLY", V6DHCPv4Query: "DHCPV4-QUERY",
	V6DHCPv4Response: "DHCPV4-RESPONSE", V6ActiveLeaseQuery: "ACTIVELEASEQUERY",
	V6StartTLS: "STARTTLS", V6BndUpd: "BNDUPD", V6BndReply: "BNDREPLY",
	V6PoolReq: "POOLREQ", V6PoolResp: "POOLRESP", V6UpdReq: "UPDREQ",
	V6UpdReqAll: "UPDREQALL", V6UpdDone: "UPDDONE", V6Connect: "CONNECT",
	V6ConnectReply: "CONNECTREPLY", V6Disconnect: "DISCONNECT", V6State: "STATE",
	V6Contact: "CONTACT", V6AddrRegInform: "ADDR-REG-INFORM", V6AddrRegReply: "ADDR-REG-REPLY",
}

// V6TypeName names a DHCPv6 message type ("SOLICIT"), or "UNKNOWN(n)".
func V6TypeName(t V6Type) string {
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
	Types []V6Type
	// Type and Xid are the inner message's.
	Type      V6Type
	Xid       uint32
	ClientID  string
	ClientMAC string
	ServerID  string
	// Addresses are IA_NA/IA_TA addresses; Prefixes IA_PD prefixes.
	Addresses []V6Lease
	Prefixes  []V6Lease
	// Status is a top-level or IA status code other than Success (0), as
	// "name: message"; StatusCode is its code.
	Status     string
	StatusCode uint16
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
	t := V6Type(b[0])
	m.Types = append(m.Types, t)
	if t == V6RelayForw || t == V6RelayRepl { // RFC 8415 section 9
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

// DHCPv6 status codes (RFC 8415 section 21.13; Wireshark's dhcpv6.status_code).
const (
	V6StatusSuccess       = 0
	V6StatusUnspecFail    = 1
	V6StatusNoAddrsAvail  = 2
	V6StatusNoBinding     = 3
	V6StatusNotOnLink     = 4
	V6StatusUseMulticast  = 5
	V6StatusNoPrefixAvail = 6
)

var v6StatusNames = [...]string{
	V6StatusSuccess: "Success", V6StatusUnspecFail: "UnspecFail",
	V6StatusNoAddrsAvail: "NoAddrsAvail", V6StatusNoBinding: "NoBinding",
	V6StatusNotOnLink: "NotOnLink", V6StatusUseMulticast: "UseMulticast",
	V6StatusNoPrefixAvail: "NoPrefixAvail",
}

func (m *V6Message) status(v []byte) {
	if len(v) < 2 {
		return
	}
	c := binary.BigEndian.Uint16(v)
	if c == V6StatusSuccess || m.Status != "" {
		return
	}
	name := "status " + strconv.Itoa(int(c))
	if int(c) < len(v6StatusNames) {
		name = v6StatusNames[c]
	}
	m.Status, m.StatusCode = name, c
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
