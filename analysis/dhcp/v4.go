package dhcp

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// BOOTP/DHCPv4 fixed header (RFC 2131 section 2).
const (
	offOp     = 0
	offHtype  = 1
	offHlen   = 2
	offHops   = 3
	offXid    = 4
	offSecs   = 8
	offFlags  = 10
	offCiaddr = 12
	offYiaddr = 16
	offSiaddr = 20
	offGiaddr = 24
	offChaddr = 28
	offSname  = 44
	offFile   = 108
	offCookie = 236
)

// HeaderSize is the size of the fixed BOOTP header; MinSize adds the magic cookie.
const (
	HeaderSize = 236
	MinSize    = 240
)

var magicCookie = [4]byte{99, 130, 83, 99}

// Message is a DHCPv4 message decoded in place: its slices point into the
// packet and must be copied before the packet buffer is reused.
type Message struct {
	Op, Htype, Hlen, Hops          byte
	Xid                            uint32
	Secs, Flags                    uint16
	Ciaddr, Yiaddr, Siaddr, Giaddr netip.Addr
	Chaddr                         []byte // 16 bytes
	Sname, File                    []byte
	// HasCookie is false for plain BOOTP (no options).
	HasCookie bool
	// Options is the option area after the cookie.
	Options []byte
}

// errShort is returned for messages shorter than the fixed header.
var errShort = errors.New("dhcp: message shorter than the 236-byte BOOTP header")

// ParseMessage decodes the fixed header of a DHCPv4/BOOTP message (RFC 2131 section 2).
func ParseMessage(b []byte) (Message, error) {
	var m Message
	if len(b) < HeaderSize {
		return m, errShort
	}
	m.Op, m.Htype, m.Hlen, m.Hops = b[offOp], b[offHtype], b[offHlen], b[offHops]
	m.Xid = binary.BigEndian.Uint32(b[offXid:])
	m.Secs = binary.BigEndian.Uint16(b[offSecs:])
	m.Flags = binary.BigEndian.Uint16(b[offFlags:])
	m.Ciaddr = addr4(b[offCiaddr:])
	m.Yiaddr = addr4(b[offYiaddr:])
	m.Siaddr = addr4(b[offSiaddr:])
	m.Giaddr = addr4(b[offGiaddr:])
	m.Chaddr = b[offChaddr:offSname]
	m.Sname = b[offSname:offFile]
	m.File = b[offFile:offCookie]
	if len(b) >= MinSize && [4]byte(b[offCookie:MinSize]) == magicCookie {
		m.HasCookie = true
		m.Options = b[MinSize:]
	}
	return m, nil
}

// HtypeEthernet is the hardware type of Ethernet (ARP hardware type 1, RFC 1700).
const HtypeEthernet = 1

// Ethernet reports whether chaddr holds an Ethernet address (htype 1, hlen 6),
// shown by Wireshark as dhcp.hw.mac_addr.
func (m *Message) Ethernet() bool { return m.Htype == HtypeEthernet && m.Hlen == 6 }

// ClientMAC returns chaddr as a MAC address when it is Ethernet, else
// chaddr's first hlen bytes in hex (at most 16).
func (m *Message) ClientMAC() string {
	n := int(m.Hlen)
	if n > len(m.Chaddr) {
		n = len(m.Chaddr)
	}
	if m.Ethernet() {
		return macString(m.Chaddr[:6])
	}
	if n == 0 {
		return ""
	}
	return macString(m.Chaddr[:n])
}

// Broadcast reports the BROADCAST flag (RFC 2131 section 2, figure 2).
func (m *Message) Broadcast() bool { return m.Flags&0x8000 != 0 }

// Option is one option as it appears in the message.
type Option struct {
	Code byte
	Data []byte
}

// WalkOptions calls fn for each option in the options area of m, then, when
// option 52 (overload, RFC 2132 section 9.3) says so, in file and sname.
// Pad (0) is skipped and End (255) stops a field. It returns an error for an
// option whose length runs past the end of its field; options before it
// have been delivered.
func (m *Message) WalkOptions(fn func(Option)) error {
	if !m.HasCookie {
		return nil
	}
	overload := byte(0)
	err := walk(m.Options, "options", func(o Option) {
		if o.Code == OptOverload && len(o.Data) == 1 {
			overload = o.Data[0]
		}
		fn(o)
	})
	if err != nil {
		return err
	}
	if overload&1 != 0 {
		if err := walk(m.File, "file", fn); err != nil {
			return err
		}
	}
	if overload&2 != 0 {
		if err := walk(m.Sname, "sname", fn); err != nil {
			return err
		}
	}
	return nil
}

func walk(b []byte, field string, fn func(Option)) error {
	for i := 0; i < len(b); {
		code := b[i]
		switch code {
		case OptPad:
			i++
			continue
		case OptEnd:
			return nil
		}
		if i+1 >= len(b) {
			return fmt.Errorf("dhcp: option %d at offset %d of %s: no length byte", code, i, field)
		}
		n := int(b[i+1])
		if i+2+n > len(b) {
			return fmt.Errorf("dhcp: option %d at offset %d of %s: length %d runs past the end (%d bytes left)", code, i, field, n, len(b)-i-2)
		}
		fn(Option{Code: code, Data: b[i+2 : i+2+n]})
		i += 2 + n
	}
	return nil
}

// MessageType is a DHCP message type: the value of option 53 (RFC 2132
// section 9.6; Wireshark's dhcp.option.dhcp).
type MessageType byte

// DHCP message types (IANA "DHCP Message Type 53 Values").
const (
	TypeDiscover         MessageType = 1  // RFC 2132
	TypeOffer            MessageType = 2  // RFC 2132
	TypeRequest          MessageType = 3  // RFC 2132
	TypeDecline          MessageType = 4  // RFC 2132
	TypeAck              MessageType = 5  // RFC 2132
	TypeNak              MessageType = 6  // RFC 2132
	TypeRelease          MessageType = 7  // RFC 2132
	TypeInform           MessageType = 8  // RFC 2132
	TypeForceRenew       MessageType = 9  // RFC 3203
	TypeLeaseQuery       MessageType = 10 // RFC 4388
	TypeLeaseUnassigned  MessageType = 11 // RFC 4388
	TypeLeaseUnknown     MessageType = 12 // RFC 4388
	TypeLeaseActive      MessageType = 13 // RFC 4388
	TypeBulkLeaseQuery   MessageType = 14 // RFC 6926
	TypeLeaseQueryDone   MessageType = 15 // RFC 6926
	TypeActiveLeaseQuery MessageType = 16 // RFC 7724
	TypeLeaseQueryStatus MessageType = 17 // RFC 7724
	TypeTLS              MessageType = 18 // RFC 7724
)

// TypeBOOTP is the message type name of a message without option 53: plain
// BOOTP (RFC 951), which tshark shows as "Boot Request" or "Boot Reply".
const TypeBOOTP = "BOOTP"

// MessageTypeName returns the name of a DHCP message type ("DISCOVER"), or
// "UNKNOWN(n)".
func MessageTypeName(t MessageType) string {
	if int(t) < len(messageTypeNames) && messageTypeNames[t] != "" {
		return messageTypeNames[t]
	}
	return "UNKNOWN(" + strconv.Itoa(int(t)) + ")"
}

var messageTypeNames = [...]string{
	TypeDiscover: "DISCOVER", TypeOffer: "OFFER", TypeRequest: "REQUEST",
	TypeDecline: "DECLINE", TypeAck: "ACK", TypeNak: "NAK",
	TypeRelease: "RELEASE", TypeInform: "INFORM", TypeForceRenew: "FORCERENEW",
	TypeLeaseQuery: "LEASEQUERY", TypeLeaseUnassigned: "LEASEUNASSIGNED",
	TypeLeaseUnknown: "LEASEUNKNOWN", TypeLeaseActive: "LEASEACTIVE",
	TypeBulkLeaseQuery: "BULKLEASEQUERY", TypeLeaseQueryDone: "LEASEQUERYDONE",
	TypeActiveLeaseQuery: "ACTIVELEASEQUERY", TypeLeaseQueryStatus: "LEASEQUERYSTATUS",
	TypeTLS: "TLS",
}

// serverSent reports whether a message type is sent by a server (RFC 2131,
// 3203, 4388, 6926, 7724); ok is false for types this package does not know.
func serverSent(t MessageType) (server, ok bool) {
	switch t {
	case TypeOffer, TypeAck, TypeNak, TypeForceRenew, TypeLeaseUnassigned,
		TypeLeaseUnknown, TypeLeaseActive, TypeLeaseQueryDone, TypeLeaseQueryStatus:
		return true, true
	case TypeDiscover, TypeRequest, TypeDecline, TypeRelease, TypeInform,
		TypeLeaseQuery, TypeBulkLeaseQuery, TypeActiveLeaseQuery:
		return false, true
	}
	return false, false
}

// BOOTP op codes (RFC 951; Wireshark's dhcp.type).
const (
	OpRequest = 1 // BOOTREQUEST
	OpReply   = 2 // BOOTREPLY
)

// DHCP option codes this package reads itself (RFC 2132 and the IANA
// registry; optionTable names every option).
const (
	OptPad              = 0   // RFC 2132 section 3.1
	OptSubnetMask       = 1   // RFC 2132 section 3.3
	OptRouter           = 3   // RFC 2132 section 3.5
	OptDNSServers       = 6   // RFC 2132 section 3.8
	OptHostName         = 12  // RFC 2132 section 3.14
	OptDomainName       = 15  // RFC 2132 section 3.17
	OptRequestedIP      = 50  // RFC 2132 section 9.1
	OptLeaseTime        = 51  // RFC 2132 section 9.2
	OptOverload         = 52  // RFC 2132 section 9.3
	OptMessageType      = 53  // RFC 2132 section 9.6
	OptServerID         = 54  // RFC 2132 section 9.7
	OptParameterList    = 55  // RFC 2132 section 9.8
	OptRenewalTime      = 58  // RFC 2132 section 9.11
	OptRebindingTime    = 59  // RFC 2132 section 9.12
	OptVendorClass      = 60  // RFC 2132 section 9.13
	OptClientID         = 61  // RFC 2132 section 9.14
	OptClientFQDN       = 81  // RFC 4702
	OptRelayAgent       = 82  // RFC 3046
	OptDomainSearch     = 119 // RFC 3397
	OptClasslessRoutes  = 121 // RFC 3442
	OptMSClasslessRoute = 249 // Microsoft's copy of option 121
	OptEnd              = 255 // RFC 2132 section 3.2
)

// optionInfo names an option: key is the report key, title Wireshark's name.
type optionInfo struct {
	key, title string
	kind       byte
}

// Option value kinds.
const (
	kHex     = iota // bytes as hex
	kAddr           // one IPv4 address
	kAddrs          // a list of IPv4 addresses
	kString         // text
	kU32            // 32-bit unsigned
	kU16            // 16-bit unsigned
	kU8             // 8-bit unsigned
	kI32            // 32-bit signed
	kBool           // one byte, 0 or 1
	kSpecial        // decoded by decodeSpecial
)

// optionTable holds the IANA BOOTP/DHCP option names
// (https://www.iana.org/assignments/bootp-dhcp-parameters).
var optionTable = map[byte]optionInfo{
	OptSubnetMask:       {"subnet_mask", "Subnet Mask", kAddr},
	2:                   {"time_offset", "Time Offset", kI32},
	OptRouter:           {"router", "Router", kAddrs},
	4:                   {"time_servers", "Time Server", kAddrs},
	5:                   {"name_servers", "Name Server", kAddrs},
	OptDNSServers:       {"dns_servers", "Domain Name Server", kAddrs},
	7:                   {"log_servers", "Log Server", kAddrs},
	8:                   {"quote_servers", "Quotes Server", kAddrs},
	9:                   {"lpr_servers", "LPR Server", kAddrs},
	10:                  {"impress_servers", "Impress Server", kAddrs},
	11:                  {"rlp_servers", "Resource Location Server", kAddrs},
	OptHostName:         {"host_name", "Host Name", kString},
	13:                  {"boot_file_size", "Boot File Size", kU16},
	14:                  {"merit_dump_file", "Merit Dump File", kString},
	OptDomainName:       {"domain_name", "Domain Name", kString},
	16:                  {"swap_server", "Swap Server", kAddr},
	17:                  {"root_path", "Root Path", kString},
	18:                  {"extensions_path", "Extensions Path", kString},
	19:                  {"ip_forwarding", "IP Forwarding", kBool},
	20:                  {"non_local_source_routing", "Non-Local Source Routing", kBool},
	21:                  {"policy_filter", "Policy Filter", kAddrs},
	22:                  {"max_datagram_reassembly_size", "Maximum Datagram Reassembly Size", kU16},
	23:                  {"default_ip_ttl", "Default IP Time-to-Live", kU8},
	24:                  {"path_mtu_aging_timeout", "Path MTU Aging Timeout", kU32},
	25:                  {"path_mtu_plateau_table", "Path MTU Plateau Table", kHex},
	26:                  {"interface_mtu", "Interface MTU", kU16},
	27:                  {"all_subnets_local", "All Subnets are Local", kBool},
	28:                  {"broadcast_address", "Broadcast Address", kAddr},
	29:                  {"perform_mask_discovery", "Perform Mask Discovery", kBool},
	30:                  {"mask_supplier", "Mask Supplier", kBool},
	31:                  {"perform_router_discovery", "Perform Router Discover", kBool},
	32:                  {"router_solicitation_address", "Router Solicitation Address", kAddr},
	33:                  {"static_routes", "Static Route", kHex},
	34:                  {"trailer_encapsulation", "Trailer Encapsulation", kBool},
	35:                  {"arp_cache_timeout", "ARP Cache Timeout", kU32},
	36:                  {"ethernet_encapsulation", "Ethernet Encapsulation", kBool},
	37:                  {"tcp_default_ttl", "TCP Default TTL", kU8},
	38:                  {"tcp_keepalive_interval", "TCP Keepalive Interval", kU32},
	39:                  {"tcp_keepalive_garbage", "TCP Keepalive Garbage", kBool},
	40:                  {"nis_domain", "Network Information Service Domain", kString},
	41:                  {"nis_servers", "Network Information Service Servers", kAddrs},
	42:                  {"ntp_servers", "Network Time Protocol Servers", kAddrs},
	43:                  {"vendor_specific_information", "Vendor-Specific Information", kHex},
	44:                  {"netbios_name_servers", "NetBIOS over TCP/IP Name Server", kAddrs},
	45:                  {"netbios_dd_servers", "NetBIOS over TCP/IP Datagram Distribution Name Server", kAddrs},
	46:                  {"netbios_node_type", "NetBIOS over TCP/IP Node Type", kU8},
	47:                  {"netbios_scope", "NetBIOS over TCP/IP Scope", kString},
	48:                  {"x_font_servers", "X Window System Font Server", kAddrs},
	49:                  {"x_display_managers", "X Window System Display Manager", kAddrs},
	OptRequestedIP:      {"requested_ip", "Requested IP Address", kAddr},
	OptLeaseTime:        {"lease_time", "IP Address Lease Time", kU32},
	OptOverload:         {"option_overload", "Option Overload", kU8},
	OptMessageType:      {"message_type", "DHCP Message Type", kSpecial},
	OptServerID:         {"server_id", "DHCP Server Identifier", kAddr},
	OptParameterList:    {"parameter_request_list", "Parameter Request List", kSpecial},
	56:                  {"message", "Message", kString},
	57:                  {"max_message_size", "Maximum DHCP Message Size", kU16},
	OptRenewalTime:      {"renewal_time", "Renewal Time Value", kU32},
	OptRebindingTime:    {"rebinding_time", "Rebinding Time Value", kU32},
	OptVendorClass:      {"vendor_class_id", "Vendor class identifier", kString},
	OptClientID:         {"client_id", "Client identifier", kSpecial},
	62:                  {"netware_domain", "Novell/Netware IP domain", kString},
	63:                  {"netware_option", "Novell Options", kHex},
	64:                  {"nis_plus_domain", "Network Information Service+ Domain", kString},
	65:                  {"nis_plus_servers", "Network Information Service+ Servers", kAddrs},
	66:                  {"tftp_server_name", "TFTP Server Name", kString},
	67:                  {"bootfile_name", "Bootfile name", kString},
	68:                  {"mobile_ip_home_agents", "Mobile IP Home Agent", kAddrs},
	69:                  {"smtp_servers", "SMTP Server", kAddrs},
	70:                  {"pop3_servers", "POP3 Server", kAddrs},
	71:                  {"nntp_servers", "NNTP Server", kAddrs},
	72:                  {"www_servers", "Default WWW Server", kAddrs},
	73:                  {"finger_servers", "Default Finger Server", kAddrs},
	74:                  {"irc_servers", "Default IRC Server", kAddrs},
	75:                  {"streettalk_servers", "StreetTalk Server", kAddrs},
	76:                  {"stda_servers", "StreetTalk Directory Assistance Server", kAddrs},
	77:                  {"user_class", "User Class Information", kHex},
	78:                  {"slp_directory_agent", "Directory Agent Information", kHex},
	79:                  {"slp_service_scope", "Service Location Agent Scope", kHex},
	80:                  {"rapid_commit", "Rapid commit", kHex},
	OptClientFQDN:       {"client_fqdn", "Client Fully Qualified Domain Name", kSpecial},
	OptRelayAgent:       {"relay_agent_information", "Agent Information Option", kSpecial},
	83:                  {"isns", "iSNS", kHex},
	85:                  {"nds_servers", "Novell Directory Services Servers", kAddrs},
	86:                  {"nds_tree_name", "Novell Directory Services Tree Name", kString},
	87:                  {"nds_context", "Novell Directory Services Context", kString},
	88:                  {"bcmcs_domain_list", "BCMCS Controller Domain Name list", kHex},
	89:                  {"bcmcs_addresses", "BCMCS Controller IPv4 address list", kAddrs},
	90:                  {"authentication", "Authentication", kHex},
	91:                  {"client_last_transaction_time", "Client last transaction time", kU32},
	92:                  {"associated_ip", "Associated IP option", kAddrs},
	93:                  {"client_system_architecture", "Client System Architecture", kU16},
	94:                  {"client_network_interface_id", "Client Network Device Interface", kHex},
	95:                  {"ldap", "LDAP Servers", kHex},
	97:                  {"client_machine_id", "UUID/GUID-based Client Identifier", kHex},
	98:                  {"user_auth", "Open Group's User Authentication", kString},
	99:                  {"geoconf_civic", "Civic Addresses Configuration", kHex},
	100:                 {"tz_posix", "PCode", kString},
	101:                 {"tz_database", "TCode", kString},
	108:                 {"ipv6_only_preferred", "IPv6-Only Preferred", kU32},
	112:                 {"netinfo_address", "NetInfo Parent Server Address", kAddrs},
	113:                 {"netinfo_tag", "NetInfo Parent Server Tag", kString},
	114:                 {"captive_portal", "DHCP Captive-Portal", kString},
	116:                 {"auto_config", "DHCP Auto-Configuration", kU8},
	117:                 {"name_service_search", "Name Service Search", kHex},
	118:                 {"subnet_selection", "Subnet Selection Option", kAddr},
	OptDomainSearch:     {"domain_search", "Domain Search", kSpecial},
	120:                 {"sip_servers", "SIP Servers", kHex},
	OptClasslessRoutes:  {"classless_static_routes", "Classless Static Route", kSpecial},
	122:                 {"cablelabs_client_config", "CableLabs Client Configuration", kHex},
	123:                 {"geoconf", "GeoConf", kHex},
	124:                 {"vendor_identifying_vendor_class", "V-I Vendor Class", kHex},
	125:                 {"vendor_identifying_vendor_specific", "V-I Vendor-specific Information", kHex},
	128:                 {"pxe_128", "PXE - undefined (vendor specific)", kHex},
	129:                 {"pxe_129", "PXE - undefined (vendor specific)", kHex},
	130:                 {"pxe_130", "PXE - undefined (vendor specific)", kHex},
	131:                 {"pxe_131", "PXE - undefined (vendor specific)", kHex},
	132:                 {"pxe_132", "PXE - undefined (vendor specific)", kHex},
	133:                 {"pxe_133", "PXE - undefined (vendor specific)", kHex},
	134:                 {"pxe_134", "PXE - undefined (vendor specific)", kHex},
	135:                 {"pxe_135", "PXE - undefined (vendor specific)", kHex},
	136:                 {"pana_agent", "PANA Authentication Agent", kAddrs},
	137:                 {"v4_lost", "LoST Server", kHex},
	138:                 {"capwap_access_controllers", "CAPWAP Access Controllers", kAddrs},
	139:                 {"ipv4_address_mos", "IPv4 Address-MoS", kHex},
	140:                 {"ipv4_fqdn_mos", "IPv4 FQDN-MoS", kHex},
	141:                 {"sip_ua_configuration_domains", "SIP UA Configuration Service Domains", kHex},
	142:                 {"ipv4_address_andsf", "IPv4 Address ANDSF", kAddrs},
	144:                 {"geoloc", "GeoLoc", kHex},
	145:                 {"forcerenew_nonce_capable", "FORCERENEW_NONCE_CAPABLE", kHex},
	146:                 {"rdnss_selection", "RDNSS Selection", kHex},
	150:                 {"tftp_server_address", "TFTP Server Address", kAddrs},
	151:                 {"status_code", "status-code", kHex},
	152:                 {"base_time", "base-time", kU32},
	153:                 {"start_time_of_state", "start-time-of-state", kU32},
	154:                 {"query_start_time", "query-start-time", kU32},
	155:                 {"query_end_time", "query-end-time", kU32},
	156:                 {"dhcp_state", "dhcp-state", kU8},
	157:                 {"data_source", "data-source", kU8},
	158:                 {"pcp_server", "OPTION_V4_PCP_SERVER", kHex},
	159:                 {"v4_portparams", "OPTION_V4_PORTPARAMS", kHex},
	161:                 {"mud_url", "OPTION_MUD_URL_V4", kString},
	175:                 {"etherboot_175", "Etherboot", kHex},
	176:                 {"ip_telephone", "IP Telephone", kHex},
	208:                 {"pxelinux_magic", "PXELINUX Magic", kHex},
	209:                 {"pxelinux_config_file", "Configuration file", kString},
	210:                 {"pxelinux_path_prefix", "Path Prefix", kString},
	211:                 {"pxelinux_reboot_time", "Reboot Time", kU32},
	212:                 {"option_6rd", "6RD", kHex},
	213:                 {"v4_access_domain", "OPTION_V4_ACCESS_DOMAIN", kHex},
	220:                 {"subnet_allocation", "Subnet Allocation Option", kHex},
	221:                 {"virtual_subnet_selection", "Virtual Subnet Selection (VSS) Option", kHex},
	OptMSClasslessRoute: {"ms_classless_static_routes", "Private/Classless Static Route (Microsoft)", kSpecial},
	252:                 {"wpad", "Private/Proxy autodiscovery", kString},
}

// OptionKey returns the report key of an option: its name, or "option_<n>".
func OptionKey(code byte) string {
	if oi, ok := optionTable[code]; ok {
		return oi.key
	}
	return "option_" + strconv.Itoa(int(code))
}

// OptionTitle returns Wireshark's name for an option, or "Unknown (<n>)".
func OptionTitle(code byte) string {
	if oi, ok := optionTable[code]; ok {
		return oi.title
	}
	return "Unknown (" + strconv.Itoa(int(code)) + ")"
}

// DecodeOption returns the value of an option for the report: addresses as
// strings, numbers as numbers, text as text, structured options as maps,
// anything else (and any option whose length does not fit its type) as hex.
func DecodeOption(o Option) any {
	oi, ok := optionTable[o.Code]
	if !ok {
		return hex.EncodeToString(o.Data)
	}
	d := o.Data
	switch oi.kind {
	case kAddr:
		if len(d) == 4 {
			return addr4(d).String()
		}
	case kAddrs:
		if len(d) > 0 && len(d)%4 == 0 {
			out := make([]string, 0, len(d)/4)
			for i := 0; i+4 <= len(d); i += 4 {
				out = append(out, addr4(d[i:]).String())
			}
			return out
		}
	case kString:
		return text(d)
	case kU32:
		if len(d) == 4 {
			return binary.BigEndian.Uint32(d)
		}
	case kI32:
		if len(d) == 4 {
			return int32(binary.BigEndian.Uint32(d))
		}
	case kU16:
		if len(d) == 2 {
			return binary.BigEndian.Uint16(d)
		}
	case kU8:
		if len(d) == 1 {
			return d[0]
		}
	case kBool:
		if len(d) == 1 {
			return d[0] != 0
		}
	case kSpecial:
		if v, ok := decodeSpecial(o); ok {
			return v
		}
	}
	return hex.EncodeToString(d)
}

func decodeSpecial(o Option) (any, bool) {
	d := o.Data
	switch o.Code {
	case OptMessageType:
		if len(d) == 1 {
			return MessageTypeName(MessageType(d[0])), true
		}
	case OptParameterList:
		names := make([]string, len(d))
		for i, c := range d {
			names[i] = OptionTitle(c)
		}
		return names, true
	case OptClientID:
		return ClientID(d), true
	case OptClientFQDN: // RFC 4702 section 2
		if len(d) < 3 {
			return nil, false
		}
		flags := d[0]
		name := ""
		if flags&0x04 != 0 { // E: canonical wire format
			name = dnsNames(d[3:], 1)
		} else {
			name = text(d[3:])
		}
		return map[string]any{
			"flags": int(flags), "server_updates": flags&0x01 != 0,
			"override": flags&0x02 != 0, "no_updates": flags&0x08 != 0,
			"name": name,
		}, true
	case OptRelayAgent: // RFC 3046 section 2.0
		out := map[string]any{}
		for i := 0; i < len(d); {
			if i+2 > len(d) || i+2+int(d[i+1]) > len(d) {
				return nil, false
			}
			sub, v := d[i], d[i+2:i+2+int(d[i+1])]
			switch sub {
			case 1:
				out["circuit_id"] = printableOrHex(v)
			case 2:
				out["remote_id"] = printableOrHex(v)
			case 5:
				if len(v) == 4 {
					out["link_selection"] = addr4(v).String()
				} else {
					out["link_selection"] = hex.EncodeToString(v)
				}
			case 11:
				if len(v) == 4 {
					out["server_id_override"] = addr4(v).String()
				} else {
					out["server_id_override"] = hex.EncodeToString(v)
				}
			default:
				out["suboption_"+strconv.Itoa(int(sub))] = hex.EncodeToString(v)
			}
			i += 2 + len(v)
		}
		return out, true
	case OptDomainSearch:
		return dnsNamesList(d), true
	case OptClasslessRoutes, OptMSClasslessRoute: // RFC 3442
		return classlessRoutes(d)
	}
	return nil, false
}

// ClientID formats a client identifier: "01:mac" style for Ethernet (type 1 and
// six bytes), else type and hex.
func ClientID(d []byte) string {
	if len(d) == 7 && d[0] == HtypeEthernet {
		return macString(d[1:])
	}
	return hex.EncodeToString(d)
}

// classlessRoutes decodes RFC 3442 routes: width byte, significant octets of
// the destination, router.
func classlessRoutes(d []byte) (any, bool) {
	type route struct {
		Destination string `json:"destination"`
		Router      string `json:"router"`
	}
	var out []route
	for i := 0; i < len(d); {
		w := int(d[i])
		if w > 32 {
			return nil, false
		}
		sig := (w + 7) / 8
		if i+1+sig+4 > len(d) {
			return nil, false
		}
		var dst [4]byte
		copy(dst[:], d[i+1:i+1+sig])
		r := addr4(d[i+1+sig:])
		out = append(out, route{netip.PrefixFrom(netip.AddrFrom4(dst), w).String(), r.String()})
		i += 1 + sig + 4
	}
	return out, true
}

// dnsNamesList decodes a list of DNS names in wire format without compression
// pointers beyond the option (RFC 1035 section 3.1; RFC 3397 allows pointers
// within the option).
func dnsNamesList(d []byte) []string {
	var out []string
	for i := 0; i < len(d) && len(out) < 64; {
		name, next, ok := readName(d, i)
		if !ok {
			break
		}
		out = append(out, name)
		i = next
	}
	return out
}

func dnsNames(d []byte, max int) string {
	name, _, _ := readName(d, 0)
	return name
}

// readName reads one DNS name at off, following pointers within d (at most 16 jumps).
func readName(d []byte, off int) (string, int, bool) {
	var sb strings.Builder
	next := -1
	jumps := 0
	for {
		if off >= len(d) {
			return sb.String(), len(d), false
		}
		l := int(d[off])
		if l == 0 {
			off++
			break
		}
		if l&0xc0 == 0xc0 {
			if off+1 >= len(d) || jumps > 16 {
				return sb.String(), len(d), false
			}
			if next < 0 {
				next = off + 2
			}
			off = int(binary.BigEndian.Uint16(d[off:]) & 0x3fff)
			jumps++
			continue
		}
		if off+1+l > len(d) {
			return sb.String(), len(d), false
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(text(d[off+1 : off+1+l]))
		off += 1 + l
	}
	if next < 0 {
		next = off
	}
	return sb.String(), next, true
}

func addr4(b []byte) netip.Addr { return netip.AddrFrom4([4]byte(b[:4])) }

func macString(b []byte) string {
	const hexd = "0123456789abcdef"
	buf := make([]byte, 0, len(b)*3)
	for i, c := range b {
		if i > 0 {
			buf = append(buf, ':')
		}
		buf = append(buf, hexd[c>>4], hexd[c&15])
	}
	return string(buf)
}

// text returns d as a string, dropping trailing NULs and replacing invalid UTF-8.
func text(d []byte) string {
	for len(d) > 0 && d[len(d)-1] == 0 {
		d = d[:len(d)-1]
	}
	return strings.ToValidUTF8(string(d), "\uFFFD")
}

func printableOrHex(d []byte) string {
	for _, c := range d {
		if c < 0x20 || c > 0x7e {
			return hex.EncodeToString(d)
		}
	}
	return string(d)
}
