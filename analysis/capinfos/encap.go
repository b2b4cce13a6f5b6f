package capinfos

import "pcaplens/analysis/frame"

// Encapsulation is Wireshark's name for a link type: its wiretap number,
// the short name capinfos prints in "File encapsulation" and the description
// it prints per interface ("Ethernet (1 - ether)").
type Encapsulation struct {
	Wtap  int    `json:"wtap"`
	Short string `json:"short"`
	Name  string `json:"name"`
}

// Encap returns Wireshark's names for a link type.
func Encap(lt uint16) Encapsulation { return Encapsulation(frame.LinkType(lt)) }

func encapNumber(lt uint16) int { return Encap(lt).Wtap }

// pseudoHeaderLen is the length of the pseudo-header that Wireshark's
// wiretap reads off the front of each record of these link types (pcap and
// pcapng) and does not count in the packet's lengths (capinfos' data size,
// frame.len). Measured with capinfos 4.0.17 on one record of each.
func pseudoHeaderLen(lt uint16) int {
	switch lt {
	case 123: // LINKTYPE_SUNATM: SunATM pseudo-header (WTAP_ENCAP_ATM_PDUS)
		return 4
	case 139: // LINKTYPE_MTP2_WITH_PHDR
		return 4
	case 144: // LINKTYPE_IRDA: Linux cooked header
		return 16
	case 177: // LINKTYPE_LINUX_LAPD: Linux cooked header
		return 16
	case 196: // LINKTYPE_SITA
		return 5
	case 201: // LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR: direction
		return 4
	case 204: // LINKTYPE_PPP_WITH_DIR: direction
		return 1
	case 209: // LINKTYPE_I2C_LINUX
		return 5
	case 245: // LINKTYPE_NFC_LLCP
		return 2
	case 254: // LINKTYPE_BLUETOOTH_LINUX_MONITOR
		return 4
	}
	return 0
}
