package dhcp

import (
	"fmt"
	"sort"

	"pcaplens/analysis/frame"
)

// v6State accumulates DHCPv6.
type v6State struct {
	found     int
	malformed int
	relayed   int
	types     map[string]int
	xids      map[uint32]struct{}
	txs       map[v6Key]*v6tx
	order     []*v6tx
	clients   map[string]*v6client
	servers   map[string]*v6server
	statusF   []int
}

type v6Key struct {
	xid    uint32
	client string
}

type v6tx struct {
	key       v6Key
	msgs      []TxMessage
	outcome   string
	addrs     []V6Lease
	prefixes  []V6Lease
	server    string
	status    string
	solicitNs int64
	hasSol    bool
	replyNs   int64
	hasReply  bool
	kind      string // first client message type
}

type v6client struct {
	mac                      string
	lastSolNs                int64
	hasSol                   bool
	ips, addresses, prefixes set
	msgs                     map[string]int
}

type v6server struct {
	ips, addresses, prefixes, dns, domains set
	advertises, replies                    int
}

func newV6State() v6State {
	return v6State{
		types:   map[string]int{},
		xids:    map[uint32]struct{}{},
		txs:     map[v6Key]*v6tx{},
		clients: map[string]*v6client{},
		servers: map[string]*v6server{},
	}
}

func (s *v6State) packet(t *Tap, f *frame.Frame) {
	s.found++
	m, err := ParseV6(f.Payload)
	for _, ty := range m.Types {
		s.types[V6TypeName(ty)]++
	}
	if err != nil {
		s.malformed++
	}
	if m.Relayed {
		s.relayed++
	}
	if len(m.Types) == 0 || m.Type == 12 || m.Type == 13 {
		return
	}
	if len(s.xids) < maxIDs {
		s.xids[m.Xid] = struct{}{}
	} else if _, ok := s.xids[m.Xid]; !ok {
		t.limit("dhcpv6_transaction_ids")
	}
	typeName := V6TypeName(m.Type)
	serverMsg := m.Type == 2 || m.Type == 7 || m.Type == 10
	k := v6Key{m.Xid, m.ClientID}
	x := s.txs[k]
	if x == nil {
		if len(s.txs) >= maxTransactions {
			t.limit("dhcpv6_transactions")
		} else {
			x = &v6tx{key: k}
			s.txs[k] = x
			s.order = append(s.order, x)
		}
	}
	if x != nil {
		if len(x.msgs) < maxTxMessages {
			x.msgs = append(x.msgs, TxMessage{Frame: f.Number, Time: rfc3339(f.TimeNs), Timestamp: f.Time(),
				Type: typeName, SrcIP: f.SrcIP.String(), DstIP: f.DstIP.String(), Server: m.ServerID})
		}
		if !serverMsg {
			if x.kind == "" {
				x.kind = typeName
			}
			switch m.Type {
			case 8:
				x.outcome = "no answer"
			case 9:
				x.outcome = "declined"
			default:
				x.outcome = "no answer"
			}
			if m.Type == 1 && !x.hasSol {
				x.hasSol, x.solicitNs = true, f.TimeNs
			}
			// A REQUEST continues the client's latest SOLICIT (a new xid, RFC 8415 section 18.2.2).
			if m.Type == 3 && !x.hasSol {
				if c := s.clients[m.ClientID]; c != nil && c.hasSol {
					x.hasSol, x.solicitNs = true, c.lastSolNs
				}
			}
		} else {
			x.server = m.ServerID
			if m.Status != "" {
				x.status = m.Status
				s.statusF = appendCap(s.statusF, f.Number)
			}
			switch m.Type {
			case 2:
				x.outcome = "advertised"
			case 7:
				x.hasReply, x.replyNs = true, f.TimeNs
				switch {
				case m.Status != "" && len(m.Addresses) == 0 && len(m.Prefixes) == 0:
					x.outcome = "refused"
				case x.kind == "RELEASE":
					x.outcome = "released"
				case x.kind == "DECLINE":
					x.outcome = "declined"
				case x.kind == "INFORMATION-REQUEST":
					x.outcome = "informed"
				case x.kind == "RENEW" || x.kind == "REBIND" || x.kind == "CONFIRM":
					x.outcome = "renewed"
				default:
					x.outcome = "leased"
				}
				if len(m.Addresses) > 0 {
					x.addrs = m.Addresses
				}
				if len(m.Prefixes) > 0 {
					x.prefixes = m.Prefixes
				}
			case 10:
				x.outcome = "reconfigure"
			}
		}
	}
	if m.ClientID != "" {
		c := s.clients[m.ClientID]
		if c == nil && len(s.clients) < maxClients {
			c = &v6client{mac: m.ClientMAC, msgs: map[string]int{}}
			s.clients[m.ClientID] = c
		} else if c == nil {
			t.limit("dhcpv6_clients")
		}
		if c != nil {
			c.msgs[typeName]++
			if m.Type == 1 {
				c.hasSol, c.lastSolNs = true, f.TimeNs
			}
			if !serverMsg && !m.Relayed {
				c.ips.add(f.SrcIP.String())
			}
			if serverMsg && m.Type == 7 {
				for _, a := range m.Addresses {
					c.addresses.add(a.Value)
				}
				for _, p := range m.Prefixes {
					c.prefixes.add(p.Value)
				}
			}
		}
	}
	if serverMsg && m.ServerID != "" {
		sv := s.servers[m.ServerID]
		if sv == nil && len(s.servers) < maxServers {
			sv = &v6server{}
			s.servers[m.ServerID] = sv
		} else if sv == nil {
			t.limit("dhcpv6_servers")
		}
		if sv != nil {
			sv.ips.add(f.SrcIP.String())
			switch m.Type {
			case 2:
				sv.advertises++
			case 7:
				sv.replies++
			}
			if m.Type == 7 {
				for _, a := range m.Addresses {
					sv.addresses.add(a.Value)
				}
				for _, p := range m.Prefixes {
					sv.prefixes.add(p.Value)
				}
			}
			for _, d := range m.DNSServers {
				sv.dns.add(d)
			}
			for _, d := range m.Domains {
				sv.domains.add(d)
			}
		}
	}
}

func (s *v6State) report(t *Tap) V6Report {
	r := V6Report{
		PacketsFound: s.found, MessageTypes: s.types, Transactions: len(s.xids),
		UniqueClients: len(s.clients), UniqueServers: len(s.servers),
		Relayed: s.relayed, Malformed: s.malformed,
		TransactionsList: []V6Transaction{}, Clients: []V6Client{}, Servers: []V6Server{},
	}
	for _, x := range s.order {
		tr := V6Transaction{
			TransactionID: fmt.Sprintf("0x%06x", x.key.xid), ClientDUID: x.key.client,
			Outcome: x.outcome, Messages: x.msgs, Addresses: x.addrs, Prefixes: x.prefixes,
			Server: x.server, Status: x.status,
		}
		if tr.Addresses == nil {
			tr.Addresses = []V6Lease{}
		}
		if tr.Prefixes == nil {
			tr.Prefixes = []V6Lease{}
		}
		if x.hasSol && x.hasReply && x.replyNs >= x.solicitNs {
			d := float64(x.replyNs-x.solicitNs) / 1e9
			tr.SolicitToReply = &d
		}
		r.TransactionsList = append(r.TransactionsList, tr)
	}
	ids := make([]string, 0, len(s.clients))
	for id := range s.clients {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := s.clients[id]
		r.Clients = append(r.Clients, V6Client{DUID: id, MAC: c.mac, IPs: c.ips.sortedAddrs(),
			Addresses: c.addresses.sortedAddrs(), Prefixes: c.prefixes.sorted(), Messages: c.msgs})
	}
	ids = ids[:0]
	for id := range s.servers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		v := s.servers[id]
		r.Servers = append(r.Servers, V6Server{DUID: id, IPs: v.ips.sortedAddrs(),
			Advertises: v.advertises, Replies: v.replies,
			Addresses: v.addresses.sortedAddrs(), Prefixes: v.prefixes.sorted(),
			DNSServers: v.dns.sortedAddrs(), Domains: v.domains.sorted()})
	}
	return r
}

func (s *v6State) observations() []Observation {
	var out []Observation
	n := 0
	var frames []int
	for _, v := range s.servers {
		if v.advertises+v.replies > 0 {
			n++
		}
	}
	if n > 1 {
		ids := make([]string, 0, n)
		for id := range s.servers {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		out = append(out, Observation{Kind: "v6_multiple_servers",
			Summary:  fmt.Sprintf("%d DHCPv6 servers answered: one may be a rogue server", n),
			Frames:   []int{},
			Evidence: map[string]any{"server_duids": ids}})
	}
	var macs []string
	for _, x := range s.order {
		if x.outcome == "no answer" && len(x.msgs) > 0 {
			macs = append(macs, x.key.client)
			frames = append(frames, x.msgs[0].Frame)
		}
	}
	if len(macs) > 0 {
		sort.Strings(macs)
		sort.Ints(frames)
		out = append(out, Observation{Kind: "v6_unanswered_client",
			Summary:  fmt.Sprintf("%d DHCPv6 exchange(s) got no server answer in the capture", len(macs)),
			Frames:   capFrames(frames),
			Evidence: map[string]any{"client_duids": capStrings(macs)}})
	}
	if len(s.statusF) > 0 {
		out = append(out, Observation{Kind: "v6_status",
			Summary: fmt.Sprintf("%d DHCPv6 server message(s) carried a failure status code", len(s.statusF)),
			Frames:  capFrames(s.statusF)})
	}
	return out
}
