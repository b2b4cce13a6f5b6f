package capinfos

import "strconv"

// Encapsulation is Wireshark's name for a link type: the short name capinfos
// prints in "File encapsulation" and the description it prints per interface.
type Encapsulation struct {
	Short string `json:"short"`
	Name  string `json:"name"`
}

// encaps maps LINKTYPE_ values to Wireshark's encapsulation names (wiretap's
// encap table); the values are facts about Wireshark's naming.
var encaps = map[uint16]Encapsulation{
	0:   {"null", "NULL/Loopback"},
	1:   {"ether", "Ethernet"},
	6:   {"tr", "Token Ring"},
	8:   {"slip", "SLIP"},
	9:   {"ppp", "PPP"},
	10:  {"fddi", "FDDI"},
	12:  {"rawip", "Raw IP"},
	14:  {"rawip", "Raw IP"},
	50:  {"ppp", "PPP"},
	51:  {"pppoes", "PPP-over-Ethernet session"},
	101: {"rawip", "Raw IP"},
	104: {"chdlc", "Cisco HDLC"},
	105: {"ieee-802-11", "IEEE 802.11 Wireless LAN"},
	108: {"loop", "OpenBSD loopback"},
	113: {"linux-sll", "Linux cooked-mode capture v1"},
	119: {"prism", "IEEE 802.11 plus Prism II monitor mode radio header"},
	127: {"ieee-802-11-radiotap", "IEEE 802.11 plus radiotap radio header"},
	138: {"ip-over-fc", "RFC 2625 IP-over-Fibre Channel"},
	143: {"docsis", "Data Over Cable Service Interface Specification"},
	192: {"ppi", "Per-Packet Information header"},
	195: {"wpan", "IEEE 802.15.4 Wireless PAN"},
	201: {"ieee-802-15.4-nonask-phy", "IEEE 802.15.4 Wireless PAN non-ASK PHY"},
	220: {"usb-linux-mmap", "USB packets with Linux header and padding"},
	228: {"rawip4", "Raw IPv4"},
	229: {"rawip6", "Raw IPv6"},
	276: {"linux-sll2", "Linux cooked-mode capture v2"},
}

// Encap returns Wireshark's names for a link type.
func Encap(lt uint16) Encapsulation {
	if e, ok := encaps[lt]; ok {
		return e
	}
	return Encapsulation{Short: "linktype-" + strconv.Itoa(int(lt)), Name: "Link type " + strconv.Itoa(int(lt))}
}
