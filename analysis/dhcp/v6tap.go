package dhcp

import (
	"fmt"
	"sort"

	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
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

	// Evidence of the findings.
	answers        finding.Frames                 // ADVERTISE and REPLY with a server identifier
	statusFrames   finding.Frames                 // server messages with a failure status
	statusCodes    [V6StatusNoPrefixAvail + 2]int // by code; the last counts the others
	malformedFrame finding.Frames
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
	kind      V6Type // first client message type
	hasKind   bool
}

type v6client struct {
	mac                      string
	lastSolNs                int64
	hasSol                   bool
	ips, addresses, prefixes set[string]
	msgs                     map[string]int
}

type v6server struct {
	ips, addresses, prefixes, dns, domains set[string]
	advertises, replies                    int
}

// v6ServerSent reports whether a DHCPv6 message type is sent by a server to
// a client (RFC 8415 section 7.3).
func v6ServerSent(t V6Type) bool {
	return t == V6Advertise || t == V6Reply || t == V6Reconfigure
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
		s.malformedFrame.Add(f.Number)
	}
	if m.Relayed {
		s.relayed++
	}
	if len(m.Types) == 0 || m.Type == V6RelayForw || m.Type == V6RelayRepl {
		return
	}
	if len(s.xids) < maxIDs {
		s.xids[m.Xid] = struct{}{}
	} else if _, ok := s.xids[m.Xid]; !ok {
		t.caps.Hit(capV6IDs, maxIDs)
	}
	typeName := V6TypeName(m.Type)
	serverMsg := v6ServerSent(m.Type)
	k := v6Key{m.Xid, m.ClientID}
	x := s.txs[k]
	if x == nil {
		if len(s.txs) >= maxTransactions {
			t.caps.Hit(capV6Transaction, maxTransactions)
		} else {
			x = &v6tx{key: k}
			s.txs[k] = x
			s.order = append(s.order, x)
		}
	}
	if x != nil {
		if len(x.msgs) < maxTxMessages {
			x.msgs = append(x.msgs, TxMessage{Frame: f.Number, Time: report.Time(f.TimeNs), Timestamp: f.Time(),
				Type: typeName, SrcIP: f.SrcIP.String(), DstIP: f.DstIP.String(), Server: m.ServerID})
		} else {
			t.caps.Hit(capTxMessages, maxTxMessages)
		}
		if !serverMsg {
			if !x.hasKind {
				x.kind, x.hasKind = m.Type, true
			}
			x.outcome = "no answer"
			if m.Type == V6Decline {
				x.outcome = "declined"
			}
			if m.Type == V6Solicit && !x.hasSol {
				x.hasSol, x.solicitNs = true, f.TimeNs
			}
			// A REQUEST continues the client's latest SOLICIT (a new xid, RFC 8415 section 18.2.2).
			if m.Type == V6Request && !x.hasSol {
				if c := s.clients[m.ClientID]; c != nil && c.hasSol {
					x.hasSol, x.solicitNs = true, c.lastSolNs
				}
			}
		} else {
			x.server = m.ServerID
			if m.Status != "" {
				x.status = m.Status
			}
			switch m.Type {
			case V6Advertise:
				x.outcome = "advertised"
			case V6Reply:
				x.hasReply, x.replyNs = true, f.TimeNs
				switch {
				case m.Status != "" && len(m.Addresses) == 0 && len(m.Prefixes) == 0:
					x.outcome = "refused"
				case !x.hasKind:
					x.outcome = "leased"
				case x.kind == V6Release:
					x.outcome = "released"
				case x.kind == V6Decline:
					x.outcome = "declined"
				case x.kind == V6InformationRequest:
					x.outcome = "informed"
				case x.kind == V6Renew || x.kind == V6Rebind || x.kind == V6Confirm:
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
			case V6Reconfigure:
				x.outcome = "reconfigure"
			}
		}
	}
	if serverMsg && m.Status != "" {
		s.statusFrames.Add(f.Number)
		s.statusCodes[min(int(m.StatusCode), len(s.statusCodes)-1)]++
	}
	if m.ClientID != "" {
		c := s.clients[m.ClientID]
		if c == nil && len(s.clients) < maxClients {
			c = &v6client{mac: m.ClientMAC, msgs: map[string]int{}}
			s.clients[m.ClientID] = c
		} else if c == nil {
			t.caps.Hit(capV6Clients, maxClients)
		}
		if c != nil {
			c.msgs[typeName]++
			if m.Type == V6Solicit {
				c.hasSol, c.lastSolNs = true, f.TimeNs
			}
			if !serverMsg && !m.Relayed {
				c.ips.add(f.SrcIP.String())
			}
			if m.Type == V6Reply {
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
			t.caps.Hit(capV6Servers, maxServers)
		}
		if sv != nil {
			sv.ips.add(f.SrcIP.String())
			switch m.Type {
			case V6Advertise:
				sv.advertises++
				s.answers.Add(f.Number)
			case V6Reply:
				sv.replies++
				s.answers.Add(f.Number)
			}
			if m.Type == V6Reply {
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
		tr.Addresses = report.NonNil(tr.Addresses)
		tr.Prefixes = report.NonNil(tr.Prefixes)
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
		r.Clients = append(r.Clients, V6Client{DUID: id, MAC: c.mac, IPs: sortedAddrs(&c.ips),
			Addresses: sortedAddrs(&c.addresses), Prefixes: c.prefixes.sorted(), Messages: c.msgs})
	}
	ids = ids[:0]
	for id := range s.servers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		v := s.servers[id]
		r.Servers = append(r.Servers, V6Server{DUID: id, IPs: sortedAddrs(&v.ips),
			Advertises: v.advertises, Replies: v.replies,
			Addresses: sortedAddrs(&v.addresses), Prefixes: v.prefixes.sorted(),
			DNSServers: sortedAddrs(&v.dns), Domains: v.domains.sorted()})
	}
	return r
}

// setsOver counts the values not kept in the capped lists of clients and servers.
func (s *v6State) setsOver() int {
	n := 0
	for _, c := range s.clients {
		n += c.ips.over + c.addresses.over + c.prefixes.over
	}
	for _, v := range s.servers {
		n += v.ips.over + v.addresses.over + v.prefixes.over + v.dns.over + v.domains.over
	}
	return n
}
