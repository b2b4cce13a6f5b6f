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
