// Package dhcp analyses DHCPv4 (UDP 67/68, RFC 2131/2132) and DHCPv6 (UDP
// 546/547, RFC 8415): per-message decoding with every option named,
// transactions with their outcome, clients, servers and observations such as
// more than one server answering. The statistics agree with tshark's
// dhcp.option.dhcp, dhcp.id, dhcp.hw.mac_addr and dhcp.option.dhcp_server_id.
//
// Tunnels: the frame decoder gives the innermost IP/UDP (it follows IP-in-IP, GRE, VXLAN, Geneve).
package dhcp

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"time"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
)

func init() {
	engine.Register(engine.Factory{
		Name:    "dhcp",
		Tools:   []string{"dhcp"},
		Reports: map[string]any{"dhcp": Report{}},
		New:     func(o *engine.Options) engine.Tap { return New(o) },
	})
}

// Caps on tables an attacker can grow.
const (
	// DefaultMaxPackets caps the per-packet list when Options.MaxPackets is 0.
	DefaultMaxPackets   = 10000
	maxTransactions     = 20000
	maxClients          = 20000
	maxServers          = 1000
	maxIDs              = 100000
	maxTxMessages       = 64
	maxSetValues        = 256
	maxDiscovers        = 100000
	starvationWindowNs  = 10 * int64(time.Second)
	starvationMinMACs   = 20
	maxObservationFrame = 20
)

// Tap is the DHCP analyzer.
type Tap struct {
	opts       *engine.Options
	maxPackets int

	found      int
	packets    []Packet
	stats      Statistics
	xids       map[uint32]struct{}
	macs       map[string]struct{}
	serverIDs  map[string]struct{}
	txs        map[txKey]*tx
	txOrder    []*tx
	clients    map[string]*client
	servers    map[string]*server
	discovers  []discover
	naks       []int
	declines   []int
	relayed    []int
	malformedF []int
	limits     map[string]bool

	v6 v6State
}

type txKey struct {
	xid uint32
	mac string
}

type tx struct {
	key        txKey
	msgs       []TxMessage
	truncated  bool
	offeredBy  set
	relayed    bool
	lastServer string
	granted    string
	lease      *uint32
	firstDisc  int64
	hasDisc    bool
	ackNs      int64
	hasAck     bool
	inform     bool
	outcome    string
	startNs    int64
	endNs      int64
}

type client struct {
	mac                                         string
	hostNames, vendors, ids, obtained, requests set
	leases                                      map[uint32]struct{}
	txs                                         int
	msgs                                        map[string]int
	first, last                                 int64
}

type server struct {
	id                                             string
	ips, macs, addrs, masks, routers, dns, domains set
	leases                                         map[uint32]struct{}
	offers, acks, naks, other, viaRelay            int
	clients                                        set
	first                                          int64
	firstFrame                                     int
}

type discover struct {
	ns    int64
	mac   string
	frame int
}

// New returns a DHCP tap.
func New(o *engine.Options) *Tap {
	if o == nil {
		o = &engine.Options{}
	}
	mp := o.MaxPackets
	if mp <= 0 {
		mp = DefaultMaxPackets
	}
	return &Tap{
		opts:       o,
		maxPackets: mp,
		stats:      Statistics{MessageTypes: map[string]int{}},
		xids:       map[uint32]struct{}{},
		macs:       map[string]struct{}{},
		serverIDs:  map[string]struct{}{},
		txs:        map[txKey]*tx{},
		clients:    map[string]*client{},
		servers:    map[string]*server{},
		limits:     map[string]bool{},
		v6:         newV6State(),
	}
}

// Packet looks at UDP ports 67/68 (DHCPv4) and 546/547 (DHCPv6).
func (t *Tap) Packet(f *frame.Frame) {
	if f.Transport != frame.TransportUDP {
		return
	}
	// Wireshark does not dissect past an IP header with the wrong version.
	if f.Network == frame.NetIPv4 && f.IPv4.Version != 4 || f.Network == frame.NetIPv6 && f.IPv6.Version != 6 {
		return
	}
	sp, dp := f.SrcPort, f.DstPort
	switch {
	case sp == 67 || sp == 68 || dp == 67 || dp == 68:
		t.v4(f)
	case sp == 546 || sp == 547 || dp == 546 || dp == 547:
		t.v6.packet(t, f)
	}
}

func (t *Tap) limit(name string) { t.limits[name] = true }

func (t *Tap) v4(f *frame.Frame) {
	t.found++
	m, err := ParseMessage(f.Payload)
	if err != nil {
		t.stats.TooShort++
		t.malformedF = appendCap(t.malformedF, f.Number)
		if len(t.packets) < t.maxPackets {
			t.packets = append(t.packets, Packet{
				PacketNumber: f.Number, Timestamp: f.Time(), Time: rfc3339(f.TimeNs),
				SrcIP: f.SrcIP.String(), DstIP: f.DstIP.String(),
				SrcPort: int(f.SrcPort), DstPort: int(f.DstPort),
				Options: map[string]any{}, Malformed: err.Error(),
			})
		}
		return
	}
	mac := m.ClientMAC()
	if len(t.xids) < maxIDs {
		t.xids[m.Xid] = struct{}{}
	} else if _, ok := t.xids[m.Xid]; !ok {
		t.limit("transaction_ids")
	}
	if m.Htype == 1 && m.Hlen == 6 {
		t.addMAC(mac)
	}

	p := Packet{
		PacketNumber: f.Number, Timestamp: f.Time(), Time: rfc3339(f.TimeNs),
		SrcIP: f.SrcIP.String(), DstIP: f.DstIP.String(),
		SrcPort: int(f.SrcPort), DstPort: int(f.DstPort),
		Op: int(m.Op), OpName: opName(m.Op),
		TransactionID: xidString(m.Xid),
		ClientIP:      m.Ciaddr.String(), YourIP: m.Yiaddr.String(),
		ServerIP: m.Siaddr.String(), RelayIP: m.Giaddr.String(),
		ClientMAC: mac, Hops: int(m.Hops), Secs: int(m.Secs), Broadcast: m.Broadcast(),
		Options: map[string]any{},
	}
	var mtype byte
	var hasType, relayOpt bool
	err = m.WalkOptions(func(o Option) {
		key := OptionKey(o.Code)
		v := DecodeOption(o)
		if _, dup := p.Options[key]; !dup {
			p.Options[key] = v
		}
		switch o.Code {
		case 53:
			if len(o.Data) == 1 && !hasType {
				mtype, hasType = o.Data[0], true
			}
		case 54:
			if len(o.Data) == 4 {
				s := addr4(o.Data).String()
				p.ServerID = &s
				if len(t.serverIDs) < maxServers {
					t.serverIDs[s] = struct{}{}
				} else if _, ok := t.serverIDs[s]; !ok {
					t.limit("servers")
				}
			}
		case 51, 58, 59:
			if u, ok := v.(uint32); ok {
				switch o.Code {
				case 51:
					p.LeaseTime = &u
				case 58:
					p.RenewalTime = &u
				case 59:
					p.RebindingTime = &u
				}
			}
		case 50:
			if s, ok := v.(string); ok {
				p.RequestedIP = &s
			}
		case 61:
			s := ClientID(o.Data)
			p.ClientID = &s
			// tshark shows an Ethernet client identifier as dhcp.hw.mac_addr too.
			if len(o.Data) == 7 && o.Data[0] == 1 {
				t.addMAC(s)
			}
		case 12:
			s := text(o.Data)
			p.HostName = &s
		case 82:
			relayOpt = true
		}
	})
	if err != nil {
		p.Malformed = err.Error()
		t.stats.Malformed++
		t.malformedF = appendCap(t.malformedF, f.Number)
	}
	typeName := "BOOTP"
	if hasType {
		typeName = MessageTypeName(mtype)
		p.MessageType = &typeName
		t.stats.MessageTypes[typeName]++
	} else {
		t.stats.BOOTPOnly++
	}
	relayed := m.Giaddr.IsValid() && !m.Giaddr.IsUnspecified() || relayOpt
	if relayed {
		t.stats.Relayed++
		t.relayed = appendCap(t.relayed, f.Number)
	}
	if len(t.packets) < t.maxPackets {
		t.packets = append(t.packets, p)
	}
	t.track(f, &m, &p, typeName, hasType, mtype, relayed)
}

func (t *Tap) addMAC(mac string) {
	if len(t.macs) < maxClients {
		t.macs[mac] = struct{}{}
	} else if _, ok := t.macs[mac]; !ok {
		t.limit("clients")
	}
}

// track updates transactions, clients and servers with one message.
func (t *Tap) track(f *frame.Frame, m *Message, p *Packet, typeName string, hasType bool, mtype byte, relayed bool) {
	mac := p.ClientMAC
	serverMsg := m.Op == 2
	if hasType {
		switch mtype {
		case 2, 5, 6, 9, 11, 12, 13, 15, 17: // server messages, RFC 2131, 3203, 4388, 7724
			serverMsg = true
		case 1, 3, 4, 7, 8, 10, 14, 16:
			serverMsg = false
		}
	}
	srv := ""
	if serverMsg {
		if p.ServerID != nil {
			srv = *p.ServerID
		} else {
			srv = p.SrcIP
		}
	}

	// Transaction.
	k := txKey{m.Xid, mac}
	x := t.txs[k]
	if x == nil {
		if len(t.txs) >= maxTransactions {
			t.limit("transactions")
		} else {
			x = &tx{key: k, startNs: f.TimeNs}
			t.txs[k] = x
			t.txOrder = append(t.txOrder, x)
		}
	}
	if x != nil {
		msg := TxMessage{Frame: f.Number, Time: p.Time, Timestamp: p.Timestamp, Type: typeName,
			SrcIP: p.SrcIP, DstIP: p.DstIP, Server: srv}
		if hasType && (mtype == 2 || mtype == 5) {
			msg.YourIP = p.YourIP
		}
		if len(x.msgs) < maxTxMessages {
			x.msgs = append(x.msgs, msg)
		} else {
			x.truncated = true
		}
		x.endNs = f.TimeNs
		x.relayed = x.relayed || relayed
		if hasType {
			switch mtype {
			case 1:
				if !x.hasDisc {
					x.hasDisc, x.firstDisc = true, f.TimeNs
				}
				x.outcome = "no answer"
			case 2:
				x.offeredBy.add(srv)
				x.outcome = "offered"
			case 3:
				x.outcome = "no answer"
			case 8:
				x.inform = true
				x.outcome = "no answer"
			case 5:
				x.lastServer = srv
				if !x.hasAck {
					x.hasAck, x.ackNs = true, f.TimeNs
				}
				switch {
				case x.inform:
					x.outcome = "informed"
				case x.hasDisc:
					x.outcome = "leased"
				default:
					x.outcome = "renewed"
				}
				if !m.Yiaddr.IsUnspecified() {
					x.granted = p.YourIP
				}
				x.lease = p.LeaseTime
			case 6:
				x.lastServer = srv
				x.outcome = "refused"
			case 4:
				x.outcome = "declined"
			case 7:
				x.outcome = "released"
			case 10, 14, 16: // leasequery (RFC 4388, 6926, 7724)
				x.outcome = "no answer"
			case 11:
				x.outcome = "leasequery: unassigned"
			case 12:
				x.outcome = "leasequery: unknown"
			case 13:
				x.outcome = "leasequery: active"
			case 15:
				x.outcome = "leasequery: done"
			case 9:
				x.outcome = "forcerenew"
			}
		} else if x.outcome == "" {
			x.outcome = "no answer"
			if serverMsg {
				x.outcome = "bootp reply"
			}
		}
	}
	if hasType {
		switch mtype {
		case 6:
			t.naks = appendCap(t.naks, f.Number)
		case 4:
			t.declines = appendCap(t.declines, f.Number)
		case 1:
			if len(t.discovers) < maxDiscovers {
				t.discovers = append(t.discovers, discover{f.TimeNs, mac, f.Number})
			} else {
				t.limit("discovers")
			}
		}
	}

	// Client.
	if mac != "" {
		c := t.clients[mac]
		if c == nil {
			if len(t.clients) >= maxClients {
				t.limit("clients")
			} else {
				c = &client{mac: mac, leases: map[uint32]struct{}{}, msgs: map[string]int{}, first: f.TimeNs}
				t.clients[mac] = c
			}
		}
		if c != nil {
			c.last = f.TimeNs
			c.msgs[typeName]++
			if x != nil && len(x.msgs) == 1 {
				c.txs++
			}
			if !serverMsg {
				if p.HostName != nil {
					c.hostNames.add(*p.HostName)
				}
				if v, ok := p.Options["vendor_class_id"].(string); ok {
					c.vendors.add(v)
				}
				if p.ClientID != nil {
					c.ids.add(*p.ClientID)
				}
				if p.RequestedIP != nil {
					c.requests.add(*p.RequestedIP)
				}
			} else if hasType && mtype == 5 {
				if !m.Yiaddr.IsUnspecified() {
					c.obtained.add(p.YourIP)
				} else if !m.Ciaddr.IsUnspecified() {
					c.obtained.add(p.ClientIP)
				}
				if p.LeaseTime != nil && len(c.leases) < maxSetValues {
					c.leases[*p.LeaseTime] = struct{}{}
				}
			}
		}
	}

	// Server.
	if serverMsg && srv != "" {
		s := t.servers[srv]
		if s == nil {
			if len(t.servers) >= maxServers {
				t.limit("servers")
				return
			}
			s = &server{id: srv, leases: map[uint32]struct{}{}, first: f.TimeNs, firstFrame: f.Number}
			t.servers[srv] = s
		}
		s.ips.add(p.SrcIP)
		if f.HasMAC && !relayed {
			s.macs.add(macString(f.SrcMAC[:]))
		}
		if relayed {
			s.viaRelay++
		}
		if mac != "" {
			s.clients.add(mac)
		}
		switch {
		case hasType && mtype == 2:
			s.offers++
		case hasType && mtype == 5:
			s.acks++
		case hasType && mtype == 6:
			s.naks++
		default:
			s.other++
		}
		if hasType && (mtype == 2 || mtype == 5) {
			if !m.Yiaddr.IsUnspecified() {
				s.addrs.add(p.YourIP)
			}
			if v, ok := p.Options["subnet_mask"].(string); ok {
				s.masks.add(v)
			}
			if v, ok := p.Options["router"].([]string); ok {
				for _, r := range v {
					s.routers.add(r)
				}
			}
			if v, ok := p.Options["dns_servers"].([]string); ok {
				for _, r := range v {
					s.dns.add(r)
				}
			}
			if v, ok := p.Options["domain_name"].(string); ok {
				s.domains.add(v)
			}
			if p.LeaseTime != nil && len(s.leases) < maxSetValues {
				s.leases[*p.LeaseTime] = struct{}{}
			}
		}
	}
}

// Finish builds the report.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	r := Report{
		File:                c.FileName,
		TotalPackets:        c.Packets,
		DHCPPacketsFound:    t.found,
		DHCPPacketsAnalyzed: len(t.packets),
		Statistics:          t.stats,
		Transactions:        []Transaction{},
		Clients:             []Client{},
		Servers:             []Server{},
		Observations:        []Observation{},
		Packets:             t.packets,
		Limits:              []string{},
		Warnings:            append([]string{}, c.Warnings...),
	}
	if r.Packets == nil {
		r.Packets = []Packet{}
	}
	if t.found > len(t.packets) {
		t.limit("packets")
	}
	r.Statistics.Transactions = len(t.xids)
	r.Statistics.UniqueClients = len(t.macs)
	r.Statistics.UniqueServers = len(t.serverIDs)
	if t.found == 0 && t.v6.found == 0 {
		r.Message = "No DHCP packets found"
	}

	for _, x := range t.txOrder {
		tr := Transaction{
			TransactionID: xidString(x.key.xid),
			ClientMAC:     x.key.mac,
			Outcome:       x.outcome,
			Messages:      x.msgs,
			StartTime:     rfc3339(x.startNs),
			EndTime:       rfc3339(x.endNs),
			OfferedBy:     x.offeredBy.sorted(),
			AddressGranted: func() string {
				if x.outcome == "leased" || x.outcome == "renewed" || x.outcome == "informed" || x.outcome == "declined" || x.outcome == "released" {
					return x.granted
				}
				return ""
			}(),
			LeaseTime:         x.lease,
			Relayed:           x.relayed,
			MessagesTruncated: x.truncated,
		}
		if x.lastServer != "" && (x.outcome != "no answer" && x.outcome != "offered") {
			tr.Server = x.lastServer
		}
		if x.hasDisc && x.hasAck && x.ackNs >= x.firstDisc {
			d := float64(x.ackNs-x.firstDisc) / 1e9
			tr.DiscoverToAck = &d
		}
		r.Transactions = append(r.Transactions, tr)
	}

	macs := make([]string, 0, len(t.clients))
	for m := range t.clients {
		macs = append(macs, m)
	}
	sort.Strings(macs)
	for _, m := range macs {
		cl := t.clients[m]
		r.Clients = append(r.Clients, Client{
			MAC: m, HostNames: cl.hostNames.sorted(), VendorClasses: cl.vendors.sorted(),
			ClientIDs: cl.ids.sorted(), AddressesObtained: cl.obtained.sorted(),
			RequestedAddrs: cl.requests.sorted(), LeaseTimes: sortedU32(cl.leases),
			Transactions: cl.txs, Messages: cl.msgs,
			FirstSeen: rfc3339(cl.first), LastSeen: rfc3339(cl.last),
		})
	}

	ids := make([]string, 0, len(t.servers))
	for id := range t.servers {
		ids = append(ids, id)
	}
	sortAddrs(ids)
	for _, id := range ids {
		s := t.servers[id]
		r.Servers = append(r.Servers, Server{
			ServerID: id, IPs: s.ips.sortedAddrs(), MACs: s.macs.sorted(),
			Offers: s.offers, ACKs: s.acks, NAKs: s.naks, Other: s.other,
			Addresses: s.addrs.sortedAddrs(), SubnetMasks: s.masks.sorted(),
			Routers: s.routers.sortedAddrs(), DNSServers: s.dns.sortedAddrs(),
			DomainNames: s.domains.sorted(), LeaseTimes: sortedU32(s.leases),
			Clients: len(s.clients.m), FirstSeen: rfc3339(s.first), ViaRelayCount: s.viaRelay,
		})
	}
	r.Observations = t.observations(&r)
	r.DHCPv6 = t.v6.report(t)
	r.Observations = append(r.Observations, t.v6.observations()...)
	for l := range t.limits {
		r.Limits = append(r.Limits, l)
	}
	sort.Strings(r.Limits)
	return map[string]any{"dhcp": &r}
}

func (t *Tap) observations(r *Report) []Observation {
	out := []Observation{}
	// More than one server offering or acknowledging.
	var answering []Server
	for _, s := range r.Servers {
		if s.Offers+s.ACKs+s.NAKs > 0 {
			answering = append(answering, s)
		}
	}
	if len(answering) > 1 {
		ev := map[string]any{}
		var frames []int
		names := ""
		for i, s := range answering {
			ev[s.ServerID] = map[string]any{
				"offers": s.Offers, "acks": s.ACKs, "naks": s.NAKs,
				"macs": s.MACs, "addresses_handed_out": s.Addresses,
				"routers": s.Routers, "dns_servers": s.DNSServers,
				"subnet_masks": s.SubnetMasks, "domain_names": s.DomainNames,
			}
			if i > 0 {
				names += ", "
			}
			names += s.ServerID
			frames = append(frames, t.servers[s.ServerID].firstFrame)
		}
		sort.Ints(frames)
		out = append(out, Observation{
			Kind:     "multiple_servers",
			Summary:  fmt.Sprintf("%d DHCP servers answered (%s): one may be a rogue server; compare what each hands out", len(answering), names),
			Frames:   frames,
			Evidence: ev,
		})
	}
	if len(t.naks) > 0 {
		out = append(out, Observation{Kind: "nak",
			Summary: fmt.Sprintf("%d DHCPNAK message(s): a server refused a client's requested address (wrong subnet, expired or foreign lease)", len(t.naks)),
			Frames:  capFrames(t.naks)})
	}
	if len(t.declines) > 0 {
		out = append(out, Observation{Kind: "decline",
			Summary: fmt.Sprintf("%d DHCPDECLINE message(s): a client found its offered address already in use (address conflict)", len(t.declines)),
			Frames:  capFrames(t.declines)})
	}
	// Clients never answered.
	unanswered := map[string][]int{}
	for _, x := range t.txOrder {
		if x.outcome == "no answer" && x.key.mac != "" && len(x.msgs) > 0 {
			unanswered[x.key.mac] = append(unanswered[x.key.mac], x.msgs[0].Frame)
		}
	}
	if len(unanswered) > 0 {
		var macs []string
		var frames []int
		for m, fs := range unanswered {
			macs = append(macs, m)
			frames = append(frames, fs...)
		}
		sort.Strings(macs)
		sort.Ints(frames)
		out = append(out, Observation{Kind: "unanswered_client",
			Summary:  fmt.Sprintf("%d client(s) sent DHCP requests that no server answered in the capture", len(macs)),
			Frames:   capFrames(frames),
			Evidence: map[string]any{"clients": capStrings(macs)}})
	}
	// Starvation-like: many distinct MACs sending DISCOVER within a short window.
	if best, from, to := t.starvation(); best >= starvationMinMACs {
		out = append(out, Observation{Kind: "starvation_like",
			Summary: fmt.Sprintf("%d distinct client MACs sent DHCPDISCOVER within %s: a DHCP starvation attack or a mass reboot",
				best, time.Duration(starvationWindowNs)),
			Frames:   []int{t.discovers[from].frame, t.discovers[to].frame},
			Evidence: map[string]any{"distinct_macs": best, "window_seconds": float64(starvationWindowNs) / 1e9}})
	}
	if len(t.relayed) > 0 {
		out = append(out, Observation{Kind: "relayed_traffic",
			Summary: fmt.Sprintf("%d DHCP message(s) went through a relay agent (giaddr or option 82)", t.stats.Relayed),
			Frames:  capFrames(t.relayed)})
	}
	return out
}

// starvation returns the most distinct MACs seen in DISCOVERs within any
// window of starvationWindowNs, and the first and last index of that window.
func (t *Tap) starvation() (best, from, to int) {
	d := t.discovers
	sort.SliceStable(d, func(i, j int) bool { return d[i].ns < d[j].ns })
	count := map[string]int{}
	lo := 0
	for hi := range d {
		count[d[hi].mac]++
		for d[hi].ns-d[lo].ns > starvationWindowNs {
			count[d[lo].mac]--
			if count[d[lo].mac] == 0 {
				delete(count, d[lo].mac)
			}
			lo++
		}
		if len(count) > best {
			best, from, to = len(count), lo, hi
		}
	}
	return
}

func opName(op byte) string {
	switch op {
	case 1:
		return "BOOTREQUEST"
	case 2:
		return "BOOTREPLY"
	}
	return "op " + strconv.Itoa(int(op))
}

// rfc3339 formats a Unix time in nanoseconds as UTC RFC 3339 with nanoseconds.
func rfc3339(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
}

// set is a small capped set of strings.
type set struct{ m map[string]struct{} }

func (s *set) add(v string) {
	if s.m == nil {
		s.m = map[string]struct{}{}
	}
	if len(s.m) < maxSetValues {
		s.m[v] = struct{}{}
	}
}

func (s *set) sorted() []string {
	out := make([]string, 0, len(s.m))
	for v := range s.m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func (s *set) sortedAddrs() []string {
	out := s.sorted()
	sortAddrs(out)
	return out
}

// sortAddrs sorts strings as IP addresses where they parse, others after, by text.
func sortAddrs(v []string) {
	sort.SliceStable(v, func(i, j int) bool {
		a, ea := netip.ParseAddr(v[i])
		b, eb := netip.ParseAddr(v[j])
		switch {
		case ea == nil && eb == nil:
			return a.Less(b)
		case ea == nil:
			return true
		case eb == nil:
			return false
		}
		return v[i] < v[j]
	})
}

func sortedU32(m map[uint32]struct{}) []uint32 {
	out := make([]uint32, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func appendCap(s []int, n int) []int {
	if len(s) < 10000 {
		s = append(s, n)
	}
	return s
}

func capFrames(f []int) []int {
	if len(f) > maxObservationFrame {
		return f[:maxObservationFrame]
	}
	return f
}

func capStrings(s []string) []string {
	if len(s) > 100 {
		return s[:100]
	}
	return s
}

// xidString formats a transaction ID as the seed does: "0x" and 8 hex digits.
func xidString(x uint32) string {
	const hexd = "0123456789abcdef"
	var b [10]byte
	b[0], b[1] = '0', 'x'
	for i := 9; i >= 2; i-- {
		b[i] = hexd[x&15]
		x >>= 4
	}
	return string(b[:])
}
