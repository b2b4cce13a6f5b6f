package engine

import (
	"strconv"

	"pcaplens/analysis/frame"
)

// LinkTypeName returns a readable name for a LINKTYPE_ value: Wireshark's
// (frame.LinkType, the table capinfos prints from), or "link type N".
func LinkTypeName(lt uint16) string {
	if e := frame.LinkType(lt); e.Wtap >= 0 {
		return e.Name
	}
	return "link type " + strconv.Itoa(int(lt))
}
