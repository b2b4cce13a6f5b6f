package dhcp

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Finding kinds (docs/reports.md lists each with its severity and filter).
const (
	kindMultipleServers   = "dhcp.multiple_servers"
	kindStarvation        = "dhcp.starvation_like"
	kindNak               = "dhcp.nak"
	kindDecline           = "dhcp.decline"
	kindUnanswered        = "dhcp.unanswered_client"
	kindMalformed         = "dhcp.malformed"
	kindRelayed           = "dhcp.relayed_traffic"
	kindV6MultipleServers = "dhcpv6.multiple_servers"
	kindV6Unanswered      = "dhcpv6.unanswered_client"
	kindV6Status          = "dhcpv6.failure_status"
	kindV6Malformed       = "dhcpv6.malformed"
)

// maxFilterTerms is how many transaction IDs or frame numbers a filter
// lists at most; beyond it the finding has no filter.
const maxFilterTerms = 20

// typeIs is a display-filter test of option 53 (Wireshark's dhcp.option.dhcp).
func typeIs(types ...MessageType) string {
	v := make([]string, len(types))
	for i, t := range types {
		v[i] = strconv.Itoa(int(t))
	}
	return finding.In("dhcp.option.dhcp", v)
}

// v6TypeIs is a display-filter test of a DHCPv6 message type, relayed or not.
func v6TypeIs(types ...V6Type) string {
	v := make([]string, len(types))
	for i, t := range types {
		v[i] = strconv.Itoa(int(t))
	}
	return finding.In("dhcpv6.msgtype", v)
}

// some lists the first subjects of a summary ("a, b, c and 4 more").
func some(subjects []string, total int) string {
	const k = 3
	s := strings.Join(subjects[:min(k, len(subjects))], ", ")
	if more := total - min(k, len(subjects)); more > 0 {
		s += " and " + report.Count(more) + " more"
	}
	return s
}

// counted is a subject with how many times it was seen.
type counted struct {
	name string
	n    int
}

// byCount orders subjects most seen first, then by name.
func byCount(l []counted) {
	sort.Slice(l, func(i, j int) bool {
		if l[i].n != l[j].n {
			return l[i].n > l[j].n
		}
		return l[i].name < l[j].name
	})
}

// subjectsOf writes counted subjects as "name (n)", at most finding.MaxSubjects.
func subjectsOf(prefix string, l []counted) []string {
	out := make([]string, 0, min(len(l), finding.MaxSubjects))
	for _, c := range l[:min(len(l), finding.MaxSubjects)] {
		out = append(out, prefix+c.name+" ("+report.Count(c.n)+")")
	}
	return out
}

// findings returns the DHCPv4 findings of the report r is being built into.
func (t *Tap) findings(r *Report) []finding.Finding {
	out := []finding.Finding{}
	add := func(f finding.Finding) {
		f.Tool = "dhcp"
		out = append(out, finding.Normalize(f))
	}
	if f, ok := t.multipleServers(r); ok {
		add(f)
	}
	if f, ok := t.starvationFinding(); ok {
		add(f)
	}
	if n := t.naks.Count(); n > 0 {
		var from, to []counted
		for _, s := range r.Servers {
			if s.NAKs > 0 {
				from = append(from, counted{s.ServerID, s.NAKs})
			}
		}
		for _, c := range r.Clients {
			if k := c.Messages[MessageTypeName(TypeNak)]; k > 0 {
				to = append(to, counted{c.MAC, k})
			}
		}
		byCount(from)
		byCount(to)
		s := t.nakFinding().Summary
		if len(from) > 0 {
			s += "; from " + from[0].name + " (" + report.Count(from[0].n) + ")"
			if len(from) > 1 {
				s += " and " + report.Plural(len(from)-1, "other server", "other servers")
			}
		}
		if len(to) > 0 {
			s += "; to " + some(namesOf(to), len(to))
		}
		subj := subjectsOf("server ", from[:min(len(from), finding.MaxSubjects/2)])
		subj = append(subj, subjectsOf("client ", to)...)
		f := t.nakFinding()
		f.Summary, f.Subjects = s, subj
		add(f)
	}
	if n := t.declines.Count(); n > 0 {
		clients := 0
		for _, c := range r.Clients {
			if c.Messages[MessageTypeName(TypeDecline)] > 0 {
				clients++
			}
		}
		s := report.Plural(n, "DHCP Decline", "DHCP Declines")
		if clients > 0 {
			s += " from " + report.Plural(clients, "client", "clients")
		}
		s += ": a client found the address it was given already in use (an address conflict)"
		if len(t.declined) > 0 {
			s += ": " + strings.Join(t.declined[:min(3, len(t.declined))], ", ")
			if len(t.declined) > 3 {
				s += " and others"
			}
		}
		add(finding.Finding{Kind: kindDecline, Severity: finding.Medium, Summary: s, Count: n,
			Frames: t.declines.List(), Filter: typeIs(TypeDecline), Subjects: t.declined})
	}
	if f, ok := t.unanswered(); ok {
		add(f)
	}
	if t.malformed.Count() > 0 {
		add(t.malformedFinding())
	}
	if n := t.relayed.Count(); n > 0 {
		s := report.Plural(n, "DHCP message", "DHCP messages") + " went through a relay agent (relay address or option 82)"
		var subj []string
		for _, a := range t.relays {
			subj = append(subj, "relay "+a)
		}
		if len(t.relays) > 0 {
			s += ": " + some(t.relays, len(t.relays))
		}
		add(finding.Finding{Kind: kindRelayed, Severity: finding.Info, Summary: s, Count: n,
			Frames: t.relayed.List(), Filter: "dhcp.ip.relay != 0.0.0.0 || dhcp.option.type == 82", Subjects: subj})
	}
	return out
}

// nakFinding is the DHCP NAKs' finding without the servers and clients,
// which the report adds to its summary.
func (t *Tap) nakFinding() finding.Finding {
	n := t.naks.Count()
	return finding.Finding{Kind: kindNak, Severity: finding.Medium, Count: n,
		Summary: report.Plural(n, "DHCP NAK", "DHCP NAKs") + ": a server refused the address a client asked for (a wrong subnet, or an expired or foreign lease)",
		Frames:  t.naks.List(), Filter: typeIs(TypeNak)}
}

func (t *Tap) malformedFinding() finding.Finding {
	n := t.malformed.Count()
	fr := t.malformed.List()
	return finding.Finding{Kind: kindMalformed, Severity: finding.Low, Count: n,
		Summary: report.Plural(n, "DHCP message", "DHCP messages") + " could not be read whole (shorter than the BOOTP header, or an option running past its field)",
		Frames:  fr, Filter: finding.FrameNumbers(fr, n)}
}

// Early implements engine.Early: the NAKs (without their servers and
// clients, gathered at Finish) and the malformed messages seen so far; the
// kinds found from every client and server seen are told at Finish only.
func (t *Tap) Early(*engine.Capture) []finding.Finding {
	var out []finding.Finding
	if t.naks.Count() > 0 {
		out = append(out, t.nakFinding())
	}
	if t.malformed.Count() > 0 {
		out = append(out, t.malformedFinding())
	}
	for i := range out {
		out[i].Tool = "dhcp"
	}
	return out
}

func namesOf(l []counted) []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.name
	}
	return out
}

// disagree reports whether servers that hand out a setting hand out
// different values of it.
func disagree(lists [][]string) bool {
	seen := ""
	for _, l := range lists {
		if len(l) == 0 {
			continue
		}
		k := strings.Join(l, ",")
		if seen != "" && k != seen {
			return true
		}
		seen = k
	}
	return false
}

// multipleServers is dhcp.multiple_servers: more than one server sent
// OFFER, ACK or NAK. It is high when they hand out different routers, DNS
// servers, subnet masks or domain names (one may be a rogue server), medium
// when they agree (likely a redundant pair).
func (t *Tap) multipleServers(r *Report) (finding.Finding, bool) {
	var answering []Server
	for _, s := range r.Servers {
		if s.Offers+s.ACKs+s.NAKs > 0 {
			answering = append(answering, s)
		}
	}
	if len(answering) < 2 {
		return finding.Finding{}, false
	}
	var names, subj []string
	var routers, dns, masks, domains [][]string
	for _, s := range answering {
		names = append(names, s.ServerID)
		d := s.ServerID + ": " + tally(msgCount{s.Offers, "Offer", "Offers"}, msgCount{s.ACKs, "ACK", "ACKs"}, msgCount{s.NAKs, "NAK", "NAKs"})
		if len(s.Routers) > 0 {
			d += "; router " + strings.Join(s.Routers, ", ")
		}
		if len(s.DNSServers) > 0 {
			d += "; DNS " + strings.Join(s.DNSServers, ", ")
		}
		subj = append(subj, d)
		routers = append(routers, s.Routers)
		dns = append(dns, s.DNSServers)
		masks = append(masks, s.SubnetMasks)
		domains = append(domains, s.DomainNames)
	}
	var differ []string
	for _, d := range []struct {
		what  string
		lists [][]string
	}{{"routers", routers}, {"DNS servers", dns}, {"subnet masks", masks}, {"domain names", domains}} {
		if disagree(d.lists) {
			differ = append(differ, d.what)
		}
	}
	s := report.Count(len(answering)) + " DHCP servers answered (" + some(names, len(names)) + ")"
	sev := finding.Medium
	if len(differ) > 0 {
		sev = finding.High
		s += " and hand out different " + joinAnd(differ) + ": one may be a rogue server"
	} else {
		s += " and hand out the same settings: likely a redundant pair, but check that each is meant to serve this network"
	}
	return finding.Finding{Kind: kindMultipleServers, Severity: sev, Summary: s, Count: len(answering),
		Frames: t.answers.List(), Filter: typeIs(TypeOffer, TypeAck, TypeNak), Subjects: subj}, true
}

// msgCount is a count of messages with the singular and plural of their name.
type msgCount struct {
	n         int
	one, many string
}

// tally writes counts of messages, leaving out those not seen ("2 Offers, 1 ACK").
func tally(counts ...msgCount) string {
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, report.Plural(c.n, c.one, c.many))
		}
	}
	return strings.Join(parts, ", ")
}

// joinAnd writes "a, b and c".
func joinAnd(l []string) string {
	if len(l) < 2 {
		return strings.Join(l, "")
	}
	return strings.Join(l[:len(l)-1], ", ") + " and " + l[len(l)-1]
}

// starvationFinding is dhcp.starvation_like: starvationMinMACs or more
// distinct client MACs sending DISCOVER within starvationWindowNs.
func (t *Tap) starvationFinding() (finding.Finding, bool) {
	best, from, to := t.starvation()
	if best < starvationMinMACs {
		return finding.Finding{}, false
	}
	win := t.discovers[from : to+1]
	var fs finding.Frames
	lo, hi := win[0].frame, win[0].frame
	for _, d := range win {
		fs.Add(d.frame)
		lo, hi = min(lo, d.frame), max(hi, d.frame)
	}
	// The window's DISCOVERs are those between its first and last frame
	// unless the capture is out of time order there.
	filter := ""
	inRange := 0
	for _, d := range t.discovers {
		if d.frame >= lo && d.frame <= hi {
			inRange++
		}
	}
	if inRange == len(win) && len(t.discovers) < maxDiscovers {
		filter = fmt.Sprintf("%s && frame.number >= %d && frame.number <= %d", typeIs(TypeDiscover), lo, hi)
	}
	span := float64(win[len(win)-1].ns-win[0].ns) / 1e9
	return finding.Finding{Kind: kindStarvation, Severity: finding.High, Count: best,
		Summary: fmt.Sprintf("%s different client MAC addresses sent %s within %.1f s: a DHCP starvation attack (exhausting the address pool) or many hosts starting at once",
			report.Count(best), report.Plural(len(win), "DHCP Discover", "DHCP Discovers"), span),
		Frames: fs.List(), Filter: filter}, true
}

// unanswered is dhcp.unanswered_client: clients whose last message of an
// exchange got no answer in the capture. Its frames are the client messages
// of those exchanges.
func (t *Tap) unanswered() (finding.Finding, bool) {
	var fs finding.Frames
	perMAC := map[string]int{}
	xids := map[uint32]bool{}
	exchanges := 0
	for _, x := range t.txOrder {
		if x.outcome != "no answer" || x.key.mac == "" || len(x.msgs) == 0 {
			continue
		}
		exchanges++
		perMAC[x.key.mac]++
		xids[x.key.xid] = true
		for _, m := range x.msgs {
			if m.Server == "" {
				fs.Add(m.Frame)
			}
		}
	}
	if exchanges == 0 {
		return finding.Finding{}, false
	}
	filter := ""
	if len(t.txs) < maxTransactions {
		filter = unansweredFilter(t.txOrder, xids, perMAC)
	}
	var cl []counted
	for m, n := range perMAC {
		cl = append(cl, counted{m, n})
	}
	byCount(cl)
	s := report.Plural(len(cl), "client", "clients") + " sent DHCP requests that got no answer in the capture (" +
		report.Plural(exchanges, "exchange", "exchanges") + "): " + some(namesOf(cl), len(cl))
	return finding.Finding{Kind: kindUnanswered, Severity: finding.Medium, Summary: s, Count: len(cl),
		Frames: fs.List(), Filter: filter, Subjects: subjectsOf("", cl)}, true
}

// unansweredFilter selects the requests of the unanswered exchanges: by
// transaction ID, and also by client MAC when an ID is shared with an
// exchange that was answered; "" when neither is exact or the list is long.
func unansweredFilter(txs []*tx, xids map[uint32]bool, macs map[string]int) string {
	if len(xids) > maxFilterTerms {
		return ""
	}
	answered := func(x *tx) bool { return x.outcome != "no answer" || x.key.mac == "" }
	byID, byIDAndMAC := true, true
	for _, x := range txs {
		if !xids[x.key.xid] {
			continue
		}
		if answered(x) {
			byID = false
			if _, ok := macs[x.key.mac]; ok {
				byIDAndMAC = false
			}
		} else if !x.ether {
			byIDAndMAC = false // dhcp.hw.mac_addr is for Ethernet addresses only
		}
	}
	ids := make([]uint32, 0, len(xids))
	for id := range xids {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	v := make([]string, len(ids))
	for i, id := range ids {
		v[i] = xidString(id)
	}
	f := "dhcp.type == " + strconv.Itoa(OpRequest) + " && " + finding.In("dhcp.id", v)
	switch {
	case byID:
		return f
	case byIDAndMAC && len(macs) <= maxFilterTerms:
		m := make([]string, 0, len(macs))
		for mac := range macs {
			m = append(m, mac)
		}
		sort.Strings(m)
		return f + " && " + finding.In("dhcp.hw.mac_addr", m)
	}
	return ""
}

// findings returns the DHCPv6 findings.
func (s *v6State) findings() []finding.Finding {
	out := []finding.Finding{}
	add := func(f finding.Finding) {
		f.Tool = "dhcp"
		out = append(out, finding.Normalize(f))
	}
	var ids []string
	for id, v := range s.servers {
		if v.advertises+v.replies > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) > 1 {
		sort.Strings(ids)
		var dns, domains [][]string
		var subj []string
		for _, id := range ids {
			v := s.servers[id]
			d := sortedAddrs(&v.dns)
			dns = append(dns, d)
			domains = append(domains, v.domains.sorted())
			e := "DUID " + id + ": " + tally(msgCount{v.advertises, "Advertise", "Advertises"}, msgCount{v.replies, "Reply", "Replies"})
			if len(d) > 0 {
				e += "; DNS " + strings.Join(d, ", ")
			}
			subj = append(subj, e)
		}
		var differ []string
		if disagree(dns) {
			differ = append(differ, "DNS servers")
		}
		if disagree(domains) {
			differ = append(differ, "domain lists")
		}
		sum := report.Count(len(ids)) + " DHCPv6 servers answered"
		sev := finding.Medium
		if len(differ) > 0 {
			sev = finding.High
			sum += " and hand out different " + joinAnd(differ) + ": one may be a rogue server"
		} else {
			sum += ": likely a redundant pair, but check that each is meant to serve this network"
		}
		add(finding.Finding{Kind: kindV6MultipleServers, Severity: sev, Summary: sum, Count: len(ids),
			Frames: s.answers.List(), Filter: v6TypeIs(V6Advertise, V6Reply), Subjects: subj})
	}

	var fs finding.Frames
	perClient := map[string]int{}
	xids := map[uint32]bool{}
	exchanges := 0
	for _, x := range s.order {
		if x.outcome != "no answer" || len(x.msgs) == 0 {
			continue
		}
		exchanges++
		perClient[x.key.client]++
		xids[x.key.xid] = true
		for _, m := range x.msgs {
			fs.Add(m.Frame)
		}
	}
	if exchanges > 0 {
		filter := ""
		if len(xids) <= maxFilterTerms && len(s.txs) < maxTransactions {
			ok := true
			for _, x := range s.order {
				if xids[x.key.xid] && x.outcome != "no answer" {
					ok = false
					break
				}
			}
			if ok {
				v := make([]string, 0, len(xids))
				for id := range xids {
					v = append(v, fmt.Sprintf("0x%06x", id))
				}
				sort.Strings(v)
				filter = finding.In("dhcpv6.xid", v)
			}
		}
		var cl []counted
		for c, n := range perClient {
			if c == "" {
				c = "(no client identifier)"
			}
			cl = append(cl, counted{c, n})
		}
		byCount(cl)
		add(finding.Finding{Kind: kindV6Unanswered, Severity: finding.Medium, Count: len(cl),
			Summary: report.Plural(len(cl), "DHCPv6 client", "DHCPv6 clients") + " sent requests that got no answer in the capture (" +
				report.Plural(exchanges, "exchange", "exchanges") + ")",
			Frames: fs.List(), Filter: filter, Subjects: subjectsOf("DUID ", cl)})
	}

	if n := s.statusFrames.Count(); n > 0 {
		var codes []counted
		for c, k := range s.statusCodes {
			if k == 0 {
				continue
			}
			name := "other codes"
			if c < len(v6StatusNames) {
				name = v6StatusNames[c]
			}
			codes = append(codes, counted{name, k})
		}
		byCount(codes)
		parts := make([]string, len(codes))
		for i, c := range codes {
			parts[i] = report.Count(c.n) + " " + c.name
		}
		// Running out of addresses or prefixes, or failing outright, is
		// worse than the codes a client recovers from on its own (NoBinding,
		// NotOnLink, UseMulticast).
		sev := finding.Low
		if s.statusCodes[V6StatusUnspecFail]+s.statusCodes[V6StatusNoAddrsAvail]+s.statusCodes[V6StatusNoPrefixAvail] > 0 {
			sev = finding.Medium
		}
		add(finding.Finding{Kind: kindV6Status, Severity: sev, Count: n,
			Summary: report.Plural(n, "DHCPv6 server message", "DHCPv6 server messages") + " carried a failure status: " + strings.Join(parts, ", "),
			Frames:  s.statusFrames.List(), Filter: v6TypeIs(V6Advertise, V6Reply, V6Reconfigure) + " && dhcpv6.status_code > 0"})
	}

	if n := s.malformedFrame.Count(); n > 0 {
		fr := s.malformedFrame.List()
		add(finding.Finding{Kind: kindV6Malformed, Severity: finding.Low, Count: n,
			Summary: report.Plural(n, "DHCPv6 message", "DHCPv6 messages") + " could not be read whole (an option or relay message cut short)",
			Frames:  fr, Filter: finding.FrameNumbers(fr, n)})
	}
	return out
}
