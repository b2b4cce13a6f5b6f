package capinfos

import "strconv"

// Encapsulation is Wireshark's name for a link type: its wiretap number,
// the short name capinfos prints in "File encapsulation" and the description
// it prints per interface ("Ethernet (1 - ether)").
type Encapsulation struct {
	Wtap  int    `json:"wtap"`
	Short string `json:"short"`
	Name  string `json:"name"`
}

// encaps maps LINKTYPE_ values to Wireshark's encapsulations (wiretap's
// table, as capinfos 4.0 prints them); these are facts about Wireshark.
var encaps = map[uint16]Encapsulation{
	0:   {15, "null", "NULL/Loopback"},
	1:   {1, "ether", "Ethernet"},
	8:   {3, "slip", "SLIP"},
	9:   {4, "ppp", "PPP"},
	12:  {7, "rawip", "Raw IP"},
	14:  {7, "rawip", "Raw IP"},
	50:  {4, "ppp", "PPP"},
	100: {10, "atm-rfc1483", "RFC 1483 ATM"},
	101: {7, "rawip", "Raw IP"},
	104: {28, "chdlc", "Cisco HDLC"},
	105: {20, "ieee-802-11", "IEEE 802.11 Wireless LAN"},
	107: {26, "frelay", "Frame Relay"},
	108: {17, "loop", "OpenBSD loopback"},
	113: {25, "linux-sll", "Linux cooked-mode capture v1"},
	123: {13, "atm-pdus", "ATM PDUs"},
	127: {23, "ieee-802-11-radiotap", "IEEE 802.11 plus radiotap radio header"},
	129: {9, "arcnet_linux", "Linux ARCNET"},
	137: {67, "juniper-atm1", "Juniper ATM1"},
	160: {58, "user13", "USER 13"},
	178: {83, "juniper-ether", "Juniper Ethernet"},
	195: {104, "wpan", "IEEE 802.15.4 Wireless PAN"},
	226: {124, "ipnet", "Solaris IPNET"},
	228: {129, "rawip4", "Raw IPv4"},
	229: {130, "rawip6", "Raw IPv6"},
	231: {146, "dbus", "D-Bus"},
	239: {141, "nflog", "NFLOG"},
	242: {180, "ip-ib", "IP over IB"},
	258: {171, "pktap", "Apple PKTAP"},
	276: {210, "linux-sll2", "Linux cooked-mode capture v2"},
}

// Encap returns Wireshark's names for a link type.
func Encap(lt uint16) Encapsulation {
	if e, ok := encaps[lt]; ok {
		return e
	}
	return Encapsulation{Wtap: -1, Short: "linktype-" + strconv.Itoa(int(lt)), Name: "Link type " + strconv.Itoa(int(lt))}
}

func encapNumber(lt uint16) int { return Encap(lt).Wtap }
