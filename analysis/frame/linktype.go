package frame

import "strconv"

// LinkTypeInfo is Wireshark's name for a link type: its wiretap
// encapsulation number, the short name capinfos prints in "File
// encapsulation" and the description it prints per interface ("Ethernet
// (1 - ether)").
type LinkTypeInfo struct {
	Wtap  int    `json:"wtap"`
	Short string `json:"short"`
	Name  string `json:"name"`
}

// linkTypes maps LINKTYPE_ values to Wireshark's encapsulations (wiretap's
// table, as capinfos 4.0 prints them); these are facts about Wireshark.
// The link types the decoder reads are the Link* constants (decode.go).
var linkTypes = map[uint16]LinkTypeInfo{
	LinkNull:      {Wtap: 15, Short: "null", Name: "NULL/Loopback"},
	LinkEthernet:  {Wtap: 1, Short: "ether", Name: "Ethernet"},
	8:             {Wtap: 3, Short: "slip", Name: "SLIP"},
	LinkPPP:       {Wtap: 4, Short: "ppp", Name: "PPP"},
	LinkRaw12:     {Wtap: 7, Short: "rawip", Name: "Raw IP"},
	LinkRaw14:     {Wtap: 7, Short: "rawip", Name: "Raw IP"},
	50:            {Wtap: 4, Short: "ppp", Name: "PPP"},
	100:           {Wtap: 10, Short: "atm-rfc1483", Name: "RFC 1483 ATM"},
	LinkRaw:       {Wtap: 7, Short: "rawip", Name: "Raw IP"},
	LinkCHDLC:     {Wtap: 28, Short: "chdlc", Name: "Cisco HDLC"},
	LinkIEEE80211: {Wtap: 20, Short: "ieee-802-11", Name: "IEEE 802.11 Wireless LAN"},
	107:           {Wtap: 26, Short: "frelay", Name: "Frame Relay"},
	LinkLoop:      {Wtap: 17, Short: "loop", Name: "OpenBSD loopback"},
	LinkLinuxSLL:  {Wtap: 25, Short: "linux-sll", Name: "Linux cooked-mode capture v1"},
	123:           {Wtap: 13, Short: "atm-pdus", Name: "ATM PDUs"},
	LinkRadiotap:  {Wtap: 23, Short: "ieee-802-11-radiotap", Name: "IEEE 802.11 plus radiotap radio header"},
	LinkARCNetLnx: {Wtap: 9, Short: "arcnet_linux", Name: "Linux ARCNET"},
	137:           {Wtap: 67, Short: "juniper-atm1", Name: "Juniper ATM1"},
	178:           {Wtap: 83, Short: "juniper-ether", Name: "Juniper Ethernet"},
	195:           {Wtap: 104, Short: "wpan", Name: "IEEE 802.15.4 Wireless PAN"},
	LinkIPNet:     {Wtap: 124, Short: "ipnet", Name: "Solaris IPNET"},
	LinkIPv4:      {Wtap: 129, Short: "rawip4", Name: "Raw IPv4"},
	LinkIPv6:      {Wtap: 130, Short: "rawip6", Name: "Raw IPv6"},
	231:           {Wtap: 146, Short: "dbus", Name: "D-Bus"},
	LinkNFLog:     {Wtap: 141, Short: "nflog", Name: "NFLOG"},
	LinkIPoIB:     {Wtap: 180, Short: "ip-ib", Name: "IP over IB"},
	LinkPKTAP:     {Wtap: 171, Short: "pktap", Name: "Apple PKTAP"},
	LinkLinuxSLL2: {Wtap: 210, Short: "linux-sll2", Name: "Linux cooked-mode capture v2"},
}

func init() {
	// LINKTYPE_USER0 to USER15 (147 to 162): wiretap's USER 0 to USER 15.
	for i := 0; i < 16; i++ {
		n := strconv.Itoa(i)
		linkTypes[uint16(LinkUser0+i)] = LinkTypeInfo{Wtap: 45 + i, Short: "user" + n, Name: "USER " + n}
	}
}

// LinkType returns Wireshark's names for a LINKTYPE_ value ("linktype-N"
// and "Link type N", wiretap -1, for one Wireshark does not know).
func LinkType(lt uint16) LinkTypeInfo {
	if e, ok := linkTypes[lt]; ok {
		return e
	}
	return LinkTypeInfo{Wtap: -1, Short: "linktype-" + strconv.Itoa(int(lt)), Name: "Link type " + strconv.Itoa(int(lt))}
}
