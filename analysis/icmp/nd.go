package icmp

import (
	"encoding/binary"
	"net/netip"
	"sort"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

type ndState struct {
	rs, ra, ns, na, redirect, dad int
	dadTargets                    map[netip.Addr]struct{}
	routers                       map[netip.Addr]*RouterAdvert
	neighbors                     map[netip.Addr]*neighbor
}

type neighbor struct {
	macs        map[string]struct{}
	sol, adv    int
	router, dad bool
}

type mldState struct {
	queries, v1, v2, done int
	queriers              map[netip.Addr]struct{}
	groups                map[netip.Addr]*group
}

type group struct {
	listeners       map[netip.Addr]struct{}
	reports, leaves int
}

func newND() ndState {
	return ndState{dadTargets: map[netip.Addr]struct{}{}, routers: map[netip.Addr]*RouterAdvert{}, neighbors: map[netip.Addr]*neighbor{}}
}

func newMLD() mldState {
	return mldState{queriers: map[netip.Addr]struct{}{}, groups: map[netip.Addr]*group{}}
}

// ndmld handles neighbour discovery (RFC 4861) and MLD (RFC 2710, RFC 3810).
// m.word holds the 4 bytes after the checksum, m.rest what follows.
func (t *Tap) ndmld(f *frame.Frame, m *msg) {
	nd := &t.nd
	switch m.typ {
	case 133:
		nd.rs++
	case 134: // RFC 4861 section 4.2
		nd.ra++
		if len(m.word) < 4 || len(m.rest) < 8 {
			return
		}
		r := nd.routers[f.SrcIP]
		if r == nil {
			if len(nd.routers) >= maxNDEntries {
				t.limit("nd_routers")
				return
			}
			r = &RouterAdvert{Router: f.SrcIP.String()}
			nd.routers[f.SrcIP] = r
		}
		r.Advertisements++
		r.CurHopLimit = int(m.word[0])
		r.Managed = m.word[1]&0x80 != 0
		r.Other = m.word[1]&0x40 != 0
		r.Preference = [4]string{"medium", "high", "reserved", "low"}[(m.word[1]>>3)&3]
		r.Lifetime = int(binary.BigEndian.Uint16(m.word[2:]))
		r.Prefixes = r.Prefixes[:0]
		r.RDNSS = r.RDNSS[:0]
		ndOptions(m.rest[8:], func(typ byte, d []byte) {
			switch {
			case typ == 1 && len(d) >= 6:
				r.MAC = mac(d[:6])
			case typ == 3 && len(d) >= 30 && len(r.Prefixes) < 16: // prefix information
				bits := int(d[0])
				if bits > 128 {
					bits = 128
				}
				r.Prefixes = append(r.Prefixes, Prefix{
					Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte(d[14:30])), bits).String(),
					OnLink: d[1]&0x80 != 0, Auto: d[1]&0x40 != 0,
					Valid: binary.BigEndian.Uint32(d[2:]), Preferred: binary.BigEndian.Uint32(d[6:]),
				})
			case typ == 5 && len(d) >= 6:
				r.MTU = int(binary.BigEndian.Uint32(d[2:]))
			case typ == 25 && len(d) >= 6: // RDNSS, RFC 8106
				for i := 6; i+16 <= len(d) && len(r.RDNSS) < 8; i += 16 {
					r.RDNSS = append(r.RDNSS, netip.AddrFrom16([16]byte(d[i:i+16])).String())
				}
			}
		})
	case 135, 136: // RFC 4861 sections 4.3, 4.4
		if len(m.rest) < 16 {
			if m.typ == 135 {
				nd.ns++
			} else {
				nd.na++
			}
			return
		}
		target := netip.AddrFrom16([16]byte(m.rest[:16]))
		n := nd.neighbors[target]
		if n == nil {
			if len(nd.neighbors) >= maxNDEntries {
				t.limit("nd_neighbors")
			} else {
				n = &neighbor{macs: map[string]struct{}{}}
				nd.neighbors[target] = n
			}
		}
		if m.typ == 135 {
			nd.ns++
			if f.SrcIP.IsUnspecified() { // RFC 4862 section 5.4: DAD probe
				nd.dad++
				if len(nd.dadTargets) < maxNDEntries {
					nd.dadTargets[target] = struct{}{}
				}
				if n != nil {
					n.dad = true
				}
			}
			if n != nil {
				n.sol++
			}
			return
		}
		nd.na++
		if n == nil {
			return
		}
		n.adv++
		if len(m.word) == 4 && m.word[0]&0x80 != 0 {
			n.router = true
		}
		ndOptions(m.rest[16:], func(typ byte, d []byte) {
			if typ == 2 && len(d) >= 6 && len(n.macs) < 8 {
				n.macs[mac(d[:6])] = struct{}{}
			}
		})
	case 137:
		nd.redirect++
		if len(m.rest) >= 32 && len(t.redirects) < maxErrors {
			t.redirects = append(t.redirects, Redirect{Frame: f.Number, Router: f.SrcIP.String(), Host: f.DstIP.String(),
				Destination: netip.AddrFrom16([16]byte(m.rest[16:32])).String(),
				Gateway:     netip.AddrFrom16([16]byte(m.rest[:16])).String(), Code: "Redirect Message"})
		}
	case 130: // MLD query
		t.mld.queries++
		if len(t.mld.queriers) < maxNDEntries {
			t.mld.queriers[f.SrcIP] = struct{}{}
		}
	case 131, 132: // MLDv1 report/done: 4 bytes (delay, reserved) then the group
		if m.typ == 131 {
			t.mld.v1++
		} else {
			t.mld.done++
		}
		if len(m.rest) >= 16 {
			t.mldGroup(netip.AddrFrom16([16]byte(m.rest[:16])), f.SrcIP, m.typ == 132)
		}
	case 143: // MLDv2 report, RFC 3810 section 5.2
		t.mld.v2++
		if len(m.word) < 4 {
			return
		}
		n := int(binary.BigEndian.Uint16(m.word[2:]))
		b := m.rest
		for i := 0; i < n && len(b) >= 20; i++ {
			rtype, aux, nsrc := b[0], int(b[1]), int(binary.BigEndian.Uint16(b[2:]))
			g := netip.AddrFrom16([16]byte(b[4:20]))
			// CHANGE_TO_INCLUDE or MODE_IS_INCLUDE with no source: leaving.
			leave := (rtype == 3 || rtype == 1) && nsrc == 0
			t.mldGroup(g, f.SrcIP, leave)
			skip := 20 + nsrc*16 + aux*4
			if skip > len(b) {
				break
			}
			b = b[skip:]
		}
	}
}

func (t *Tap) mldGroup(g, listener netip.Addr, leave bool) {
	gr := t.mld.groups[g]
	if gr == nil {
		if len(t.mld.groups) >= maxNDEntries {
			t.limit("mld_groups")
			return
		}
		gr = &group{listeners: map[netip.Addr]struct{}{}}
		t.mld.groups[g] = gr
	}
	if leave {
		gr.leaves++
	} else {
		gr.reports++
	}
	if len(gr.listeners) < 256 {
		gr.listeners[listener] = struct{}{}
	}
}

// ndOptions walks ND options (RFC 4861 section 4.6): type, length in 8-byte units.
func ndOptions(b []byte, fn func(typ byte, d []byte)) {
	for len(b) >= 2 {
		l := int(b[1]) * 8
		if l == 0 || l > len(b) {
			return
		}
		fn(b[0], b[2:l])
		b = b[l:]
	}
}

func mac(b []byte) string {
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 17)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hexd[c>>4], hexd[c&15])
	}
	return string(out)
}

func (t *Tap) ndReport() NeighborDiscovery {
	nd := &t.nd
	r := NeighborDiscovery{
		RouterSolicitations: nd.rs, RouterAdvertisements: nd.ra,
		NeighborSolicitations: nd.ns, NeighborAdvertisements: nd.na,
		Redirects: nd.redirect, DADProbes: nd.dad, DADTargets: addrList(nd.dadTargets),
		Routers: []RouterAdvert{}, Neighbors: []NeighborRecord{},
	}
	for _, a := range sortedAddrs(nd.routers) {
		ra := *nd.routers[a]
		ra.Prefixes = report.NonNil(ra.Prefixes)
		ra.RDNSS = report.NonNil(ra.RDNSS)
		r.Routers = append(r.Routers, ra)
	}
	for _, a := range sortedAddrs(nd.neighbors) {
		n := nd.neighbors[a]
		macs := make([]string, 0, len(n.macs))
		for m := range n.macs {
			macs = append(macs, m)
		}
		sort.Strings(macs)
		r.Neighbors = append(r.Neighbors, NeighborRecord{Target: a.String(), MACs: macs, Solicited: n.sol, Advertised: n.adv, IsRouter: n.router, DAD: n.dad})
	}
	return r
}

func (t *Tap) mldReport() MLD {
	r := MLD{Queries: t.mld.queries, ReportsV1: t.mld.v1, ReportsV2: t.mld.v2, Done: t.mld.done,
		Queriers: addrList(t.mld.queriers), Groups: []Group{}}
	for _, g := range sortedAddrs(t.mld.groups) {
		gr := t.mld.groups[g]
		r.Groups = append(r.Groups, Group{Group: g.String(), Listeners: addrList(gr.listeners), Reports: gr.reports, Leaves: gr.leaves})
	}
	return r
}

func sortedAddrs[V any](m map[netip.Addr]V) []netip.Addr {
	out := make([]netip.Addr, 0, len(m))
	for a := range m {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}
