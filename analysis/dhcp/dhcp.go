// Package dhcp analyses DHCPv4 (UDP 67/68, RFC 2131/2132) and DHCPv6 (UDP
// 546/547, RFC 8415): per-message decoding with every option named,
// transactions with their outcome, clients, servers and findings such as
// more than one server answering. The statistics agree with tshark's
// dhcp.option.dhcp, dhcp.id, dhcp.hw.mac_addr and dhcp.option.dhcp_server_id.
//
// Tunnels: the frame decoder follows IP-in-IP, GRE, VXLAN and Geneve as
// Wireshark does and gives the innermost IP/UDP, so DHCP carried in a tunnel
// is analysed like any other.
package dhcp

import (
	"cmp"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"time"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

func init() {
	engine.Register(engine.Factory{
		Name:         "dhcp",
		Tools:        []string{"dhcp"},
		Reports:      map[string]any{"dhcp": Report{}},
		Descriptions: map[string]string{"dhcp": "DHCP and DHCPv6: message counts by type, transactions (DISCOVER to ACK) with their outcome and timing, clients by MAC with the addresses and options they got, servers with what they hand out (more than one server is flagged), and the messages themselves (capped)."},
		New:          func(o *engine.Options) engine.Tap { return New(o) },
	})
}

// Caps on tables an attacker can grow; the per-packet list is capped by
// Options.MaxPackets (report.ListLimit: 0 is no limit).
const (
	maxTransactions    = 20000
	maxClients         = 20000
	maxServers         = 1000
	maxIDs             = 100000
	maxTxMessages      = 64
	maxSetValues       = 256
	maxDiscovers       = 100000
	starvationWindowNs = 10 * int64(time.Second)
	starvationMinMACs  = 20
)

// What each cap counts, as the report's caps name it.
const (
	capPackets       = "per-packet list (max_packets)"
	capTransactions  = "transactions"
	capTxMessages    = "messages listed per transaction"
	capClients       = "clients"
	capServers       = "servers"
	capSetValues     = "values listed per client or server"
	capIDs           = "transaction IDs counted (messages with an ID not kept)"
	capClientMACs    = "client MACs counted (messages with a MAC not kept)"
	capServerIDs     = "server identifiers counted (messages with an identifier not kept)"
	capDiscovers     = "DHCP Discovers kept for the starvation check"
	capV6IDs         = "DHCPv6 transaction IDs counted (messages with an ID not kept)"
	capV6Transaction = "DHCPv6 transactions"
	capV6Clients     = "DHCPv6 clients"
	capV6Servers     = "DHCPv6 servers"
)

// Tap is the DHCP analyzer.
type Tap struct {
	opts       *engine.Options
	maxPackets int

	found     int
	packets   []Packet
	stats     Statistics
	xids      map[uint32]struct{}
	macs      map[string]struct{}
	serverIDs map[string]struct{}
	txs       map[txKey]*tx
	txOrder   []*tx
	clients   map[string]*client
	servers   map[string]*server
	discovers []discover
	caps      report.Caps

	// Evidence of the findings.
	answers   finding.Frames // OFFER, ACK and NAK
	naks      finding.Frames
	declines  finding.Frames
	declined  []string // "client declined address", distinct, at most finding.MaxSubjects
	relayed   finding.Frames
	relays    []string // relay agent addresses (giaddr), distinct, at most finding.MaxSubjects
	malformed finding.Frames

	v6 v6State
}

type txKey struct {
	xid uint32
	mac string
}

type tx struct {
	key        txKey
	ether      bool // the client MAC is an Ethernet address (htype 1, hlen 6)
	msgs       []TxMessage
	offeredBy  set[string]
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
	hostNames, vendors, ids, obtained, requests set[string]
	leases                                      set[uint32]
	txs                                         int
	msgs                                        map[string]int
	first, last                                 int64
}

type server struct {
	id                                             string
	ips, macs, addrs, masks, routers, dns, domains set[string]
	leases                                         set[uint32]
	offers, acks, naks, other, viaRelay            int
	clients                                        set[string]
	first                                          int64
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
	return &Tap{
		opts:       o,
		maxPackets: report.ListLimit(o.MaxPackets),
		stats:      Statistics{MessageTypes: map[string]int{}},
		xids:       map[uint32]struct{}{},
		macs:       map[string]struct{}{},
		serverIDs:  map[string]struct{}{},
		txs:        map[txKey]*tx{},
		clients:    map[string]*client{},
		servers:    map[string]*server{},
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

// list adds p to the per-packet list, or counts it as not kept.
func (t *Tap) list(p Packet) {
	if len(t.packets) >= t.maxPackets {
		t.caps.Hit(capPackets, t.maxPackets)
		return
	}
	t.packets = append(t.packets, p)
}

func (t *Tap) v4(f *frame.Frame) {
	t.found++
	m, err := ParseMessage(f.Payload)
	if err != nil {
		t.stats.TooShort++
		t.malformed.Add(f.Number)
		t.list(Packet{
			PacketNumber: f.Number, Timestamp: f.Time(), Time: report.Time(f.TimeNs),
			SrcIP: f.SrcIP.String(), DstIP: f.DstIP.String(),
			SrcPort: int(f.SrcPort), DstPort: int(f.DstPort),
			Options: map[string]any{}, Malformed: err.Error(),
		})
		return
	}
	mac := m.ClientMAC()
	if len(t.xids) < maxIDs {
		t.xids[m.Xid] = struct{}{}
	} else if _, ok := t.xids[m.Xid]; !ok {
		t.caps.Hit(capIDs, maxIDs)
	}
	if m.Ethernet() {
		t.addMAC(mac)
	}

	p := Packet{
		PacketNumber: f.Number, Timestamp: f.Time(), Time: report.Time(f.TimeNs),
		SrcIP: f.SrcIP.String(), DstIP: f.DstIP.String(),
		SrcPort: int(f.SrcPort), DstPort: int(f.DstPort),
		Op: int(m.Op), OpName: opName(m.Op),
		TransactionID: xidString(m.Xid),
		ClientIP:      m.Ciaddr.String(), YourIP: m.Yiaddr.String(),
		ServerIP: m.Siaddr.String(), RelayIP: m.Giaddr.String(),
		ClientMAC: mac, Hops: int(m.Hops), Secs: int(m.Secs), Broadcast: m.Broadcast(),
		Options: map[string]any{},
	}
	var mtype MessageType
	var hasType, relayOpt bool
	err = m.WalkOptions(func(o Option) {
		key := OptionKey(o.Code)
		v := DecodeOption(o)
		if _, dup := p.Options[key]; !dup {
			p.Options[key] = v
		}
		switch o.Code {
		case OptMessageType:
			if len(o.Data) == 1 && !hasType {
				mtype, hasType = MessageType(o.Data[0]), true
			}
		case OptServerID:
			if len(o.Data) == 4 {
				s := addr4(o.Data).String()
				p.ServerID = &s
				if len(t.serverIDs) < maxServers {
					t.serverIDs[s] = struct{}{}
				} else if _, ok := t.serverIDs[s]; !ok {
					t.caps.Hit(capServerIDs, maxServers)
				}
			}
		case OptLeaseTime, OptRenewalTime, OptRebindingTime:
			if u, ok := v.(uint32); ok {
				switch o.Code {
				case OptLeaseTime:
					p.LeaseTime = &u
				case OptRenewalTime:
					p.RenewalTime = &u
				case OptRebindingTime:
					p.RebindingTime = &u
				}
			}
		case OptRequestedIP:
			if s, ok := v.(string); ok {
				p.RequestedIP = &s
			}
		case OptClientID:
			s := ClientID(o.Data)
			p.ClientID = &s
			// tshark shows an Ethernet client identifier as dhcp.hw.mac_addr too.
			if len(o.Data) == 7 && o.Data[0] == HtypeEthernet {
				t.addMAC(s)
			}
		case OptHostName:
			s := text(o.Data)
			p.HostName = &s
		case OptRelayAgent:
			relayOpt = true
		}
	})
	if err != nil {
		p.Malformed = err.Error()
		t.stats.Malformed++
		t.malformed.Add(f.Number)
	}
	// A message without option 53 is plain BOOTP (RFC 951): tshark dissects
	// it as DHCP ("Boot Request", "Boot Reply"), so it counts as a message
	// of its own type, and its ID and MAC count above.
	typeName := TypeBOOTP
	if hasType {
		typeName = MessageTypeName(mtype)
		p.MessageType = &typeName
	}
	t.stats.MessageTypes[typeName]++
	relayed := m.Giaddr.IsValid() && !m.Giaddr.IsUnspecified() || relayOpt
	if relayed {
		t.stats.Relayed++
		t.relayed.Add(f.Number)
		if !m.Giaddr.IsUnspecified() {
			t.relays = addSubject(t.relays, p.RelayIP)
		}
	}
	t.list(p)
	t.track(f, &m, &p, typeName, hasType, mtype, relayed)
}

func (t *Tap) addMAC(mac string) {
	if len(t.macs) < maxClients {
		t.macs[mac] = struct{}{}
	} else if _, ok := t.macs[mac]; !ok {
		t.caps.Hit(capClientMACs, maxClients)
	}
}

// addSubject adds s to a list of at most finding.MaxSubjects distinct subjects.
func addSubject(l []string, s string) []string {
	if len(l) < finding.MaxSubjects && !slices.Contains(l, s) {
		l = append(l, s)
	}
	return l
}

// track updates transactions, clients and servers with one message.
func (t *Tap) track(f *frame.Frame, m *Message, p *Packet, typeName string, hasType bool, mtype MessageType, relayed bool) {
	mac := p.ClientMAC
	serverMsg := m.Op == OpReply
	if hasType {
		if s, ok := serverSent(mtype); ok {
			serverMsg = s
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
			t.caps.Hit(capTransactions, maxTransactions)
		} else {
			x = &tx{key: k, startNs: f.TimeNs, ether: m.Ethernet()}
			t.txs[k] = x
			t.txOrder = append(t.txOrder, x)
		}
	}
	if x != nil {
		msg := TxMessage{Frame: f.Number, Time: p.Time, Timestamp: p.Timestamp, Type: typeName,
			SrcIP: p.SrcIP, DstIP: p.DstIP, Server: srv}
		if hasType && (mtype == TypeOffer || mtype == TypeAck) {
			msg.YourIP = p.YourIP
		}
		if len(x.msgs) < maxTxMessages {
			x.msgs = append(x.msgs, msg)
		} else {
			t.caps.Hit(capTxMessages, maxTxMessages)
		}
		x.endNs = f.TimeNs
		x.relayed = x.relayed || relayed
		if hasType {
			switch mtype {
			case TypeDiscover:
				if !x.hasDisc {
					x.hasDisc, x.firstDisc = true, f.TimeNs
				}
				x.outcome = "no answer"
			case TypeOffer:
				x.offeredBy.add(srv)
				x.outcome = "offered"
			case TypeRequest:
				x.outcome = "no answer"
			case TypeInform:
				x.inform = true
				x.outcome = "no answer"
			case TypeAck:
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
			case TypeNak:
				x.lastServer = srv
				x.outcome = "refused"
			case TypeDecline:
				x.outcome = "declined"
			case TypeRelease:
				x.outcome = "released"
			case TypeLeaseQuery, TypeBulkLeaseQuery, TypeActiveLeaseQuery:
				x.outcome = "no answer"
			case TypeLeaseUnassigned:
				x.outcome = "leasequery: unassigned"
			case TypeLeaseUnknown:
				x.outcome = "leasequery: unknown"
			case TypeLeaseActive:
				x.outcome = "leasequery: active"
			case TypeLeaseQueryDone:
				x.outcome = "leasequery: done"
			case TypeForceRenew:
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
		case TypeOffer, TypeAck:
			t.answers.Add(f.Number)
		case TypeNak:
			t.answers.Add(f.Number)
			t.naks.Add(f.Number)
		case TypeDecline:
			t.declines.Add(f.Number)
			if mac != "" && len(t.declined) < finding.MaxSubjects {
				d := mac
				if p.RequestedIP != nil {
					d += " declined " + *p.RequestedIP
				}
				t.declined = addSubject(t.declined, d)
			}
		case TypeDiscover:
			if len(t.discovers) < maxDiscovers {
				t.discovers = append(t.discovers, discover{f.TimeNs, mac, f.Number})
			} else {
				t.caps.Hit(capDiscovers, maxDiscovers)
			}
		}
	}

	// Client.
	if mac != "" {
		c := t.clients[mac]
		if c == nil {
			if len(t.clients) >= maxClients {
				t.caps.Hit(capClients, maxClients)
			} else {
				c = &client{mac: mac, msgs: map[string]int{}, first: f.TimeNs}
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
				if v, ok := p.Options[OptionKey(OptVendorClass)].(string); ok {
					c.vendors.add(v)
				}
				if p.ClientID != nil {
					c.ids.add(*p.ClientID)
				}
				if p.RequestedIP != nil {
					c.requests.add(*p.RequestedIP)
				}
			} else if hasType && mtype == TypeAck {
				if !m.Yiaddr.IsUnspecified() {
					c.obtained.add(p.YourIP)
				} else if !m.Ciaddr.IsUnspecified() {
					c.obtained.add(p.ClientIP)
				}
				if p.LeaseTime != nil {
					c.leases.add(*p.LeaseTime)
				}
			}
		}
	}

	// Server.
	if serverMsg && srv != "" {
		s := t.servers[srv]
		if s == nil {
			if len(t.servers) >= maxServers {
				t.caps.Hit(capServers, maxServers)
				return
			}
			s = &server{id: srv, first: f.TimeNs}
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
		case hasType && mtype == TypeOffer:
			s.offers++
		case hasType && mtype == TypeAck:
			s.acks++
		case hasType && mtype == TypeNak:
			s.naks++
		default:
			s.other++
		}
		if hasType && (mtype == TypeOffer || mtype == TypeAck) {
			if !m.Yiaddr.IsUnspecified() {
				s.addrs.add(p.YourIP)
			}
			if v, ok := p.Options[OptionKey(OptSubnetMask)].(string); ok {
				s.masks.add(v)
			}
			if v, ok := p.Options[OptionKey(OptRouter)].([]string); ok {
				for _, r := range v {
					s.routers.add(r)
				}
			}
			if v, ok := p.Options[OptionKey(OptDNSServers)].([]string); ok {
				for _, r := range v {
					s.dns.add(r)
				}
			}
			if v, ok := p.Options[OptionKey(OptDomainName)].(string); ok {
				s.domains.add(v)
			}
			if p.LeaseTime != nil {
				s.leases.add(*p.LeaseTime)
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
		Packets:             t.packets,
		Warnings:            append([]string{}, c.Warnings...),
	}
	r.Packets = report.NonNil(r.Packets)
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
			StartTime:     report.Time(x.startNs),
			EndTime:       report.Time(x.endNs),
			OfferedBy:     x.offeredBy.sorted(),
			LeaseTime:     x.lease,
			Relayed:       x.relayed,
		}
		switch x.outcome {
		case "leased", "renewed", "informed", "declined", "released":
			tr.AddressGranted = x.granted
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

	over := 0 // values not kept in capped lists
	macs := make([]string, 0, len(t.clients))
	for m := range t.clients {
		macs = append(macs, m)
	}
	sort.Strings(macs)
	for _, m := range macs {
		cl := t.clients[m]
		r.Clients = append(r.Clients, Client{
			MAC: m, HostNames: cl.hostNames.sorted(), VendorClasses: cl.vendors.sorted(),
			ClientIDs: cl.ids.sorted(), AddressesObtained: sortedAddrs(&cl.obtained),
			RequestedAddrs: sortedAddrs(&cl.requests), LeaseTimes: cl.leases.sorted(),
			Transactions: cl.txs, Messages: cl.msgs,
			FirstSeen: report.Time(cl.first), LastSeen: report.Time(cl.last),
		})
		over += cl.hostNames.over + cl.vendors.over + cl.ids.over + cl.obtained.over + cl.requests.over + cl.leases.over
	}

	ids := make([]string, 0, len(t.servers))
	for id := range t.servers {
		ids = append(ids, id)
	}
	sortAddrStrings(ids)
	for _, id := range ids {
		s := t.servers[id]
		r.Servers = append(r.Servers, Server{
			ServerID: id, IPs: sortedAddrs(&s.ips), MACs: s.macs.sorted(),
			Offers: s.offers, ACKs: s.acks, NAKs: s.naks, Other: s.other,
			Addresses: sortedAddrs(&s.addrs), SubnetMasks: s.masks.sorted(),
			Routers: sortedAddrs(&s.routers), DNSServers: sortedAddrs(&s.dns),
			DomainNames: s.domains.sorted(), LeaseTimes: s.leases.sorted(),
			Clients: len(s.clients.m), FirstSeen: report.Time(s.first), ViaRelayCount: s.viaRelay,
		})
		over += s.ips.over + s.macs.over + s.addrs.over + s.masks.over + s.routers.over +
			s.dns.over + s.domains.over + s.leases.over + s.clients.over
	}
	r.DHCPv6 = t.v6.report(t)
	over += t.v6.setsOver()
	if over > 0 {
		t.caps.HitN(capSetValues, maxSetValues, over)
	}
	r.Findings = append(t.findings(&r), t.v6.findings()...)
	r.Caps = t.caps.List()
	r.Warnings = append(r.Warnings, t.caps.Warnings()...)
	return map[string]any{"dhcp": &r}
}

// starvation returns the most distinct MACs seen in DISCOVERs within any
// window of starvationWindowNs, and the first and last index of that window
// in t.discovers, sorted by time.
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
	case OpRequest:
		return "BOOTREQUEST"
	case OpReply:
		return "BOOTREPLY"
	}
	return "op " + strconv.Itoa(int(op))
}

// set is a small set of at most maxSetValues values; over counts the values
// not kept.
type set[T cmp.Ordered] struct {
	m    map[T]struct{}
	over int
}

func (s *set[T]) add(v T) {
	if s.m == nil {
		s.m = map[T]struct{}{}
	}
	if _, ok := s.m[v]; ok {
		return
	}
	if len(s.m) < maxSetValues {
		s.m[v] = struct{}{}
	} else {
		s.over++
	}
}

func (s *set[T]) sorted() []T {
	out := make([]T, 0, len(s.m))
	for v := range s.m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// sortedAddrs returns the values of s ordered as IP addresses where they parse.
func sortedAddrs(s *set[string]) []string {
	out := s.sorted()
	sortAddrStrings(out)
	return out
}

// sortAddrStrings sorts strings as IP addresses where they parse, others after, by text.
func sortAddrStrings(v []string) {
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
