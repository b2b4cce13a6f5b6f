package engine

import "strconv"

// linkTypeNames names the LINKTYPE_ values as Wireshark's capinfos does.
var linkTypeNames = map[uint16]string{
	0:   "NULL",
	1:   "Ethernet",
	9:   "PPP",
	12:  "Raw IP",
	14:  "Raw IP",
	101: "Raw IP",
	105: "IEEE 802.11 Wireless LAN",
	108: "OpenBSD loopback",
	113: "Linux cooked-mode capture v1",
	127: "IEEE 802.11 plus radiotap radio header",
	228: "Raw IPv4",
	229: "Raw IPv6",
	276: "Linux cooked-mode capture v2",
}

// LinkTypeName returns a readable name for a LINKTYPE_ value.
func LinkTypeName(lt uint16) string {
	if n, ok := linkTypeNames[lt]; ok {
		return n
	}
	return "link type " + strconv.Itoa(int(lt))
}
