package dns

import (
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Thresholds of the observations. They describe what is seen; they are
// not verdicts.
const (
	longNameLen        = 100 // characters in a queried name
	longLabelLen       = 40  // characters in one label
	entropyMinLen      = 12  // shortest label scored for randomness
	entropyThreshold   = 3.5 // bits per character
	tunnelUniqueNames  = 50  // distinct names under one registered domain
	tunnelTXTQueries   = 20  // TXT/NULL queries under one registered domain
	beaconMinQueries   = 6
	beaconMinPeriodSec = 1.0
	beaconTolerance    = 0.1 // intervals within 10 % of the median interval
	manyResolvers      = 4
)

// entropy returns the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// skipName reports names whose shape is expected to look odd: reverse
// lookups, mDNS/DNS-SD service names and the root.
func skipName(n string) bool {
	l := strings.ToLower(n)
	return strings.HasSuffix(l, ".arpa") || strings.HasSuffix(l, ".local") || l == "<root>" || strings.HasPrefix(l, "_")
}

func (t *Tap) finishObservations() {
	type domAgg struct {
		names, txt int
		example    string
		client     netip.Addr
	}
	doms := map[string]*domAgg{}
	// Sorted names, so that evidence is deterministic.
	names := make([]string, 0, len(t.names))
	for n, ns := range t.names {
		if ns.inQuery {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		ns := t.names[n]
		if len(n) >= longNameLen {
			t.observe("long_name", "very long queried names", Evidence{
				Frames: []int{ns.firstSeen}, Client: ns.client.String(), Name: n, Detail: strconv.Itoa(len(n)) + " characters",
			})
		}
		if skipName(n) {
			continue
		}
		reg := registered(n)
		sub := strings.TrimSuffix(strings.TrimSuffix(n, reg), ".")
		longest := ""
		for _, l := range strings.Split(sub, ".") {
			if len(l) > len(longest) {
				longest = l
			}
			if len(l) >= longLabelLen {
				t.observe("long_label", "very long labels in queried names", Evidence{
					Frames: []int{ns.firstSeen}, Client: ns.client.String(), Name: n, Detail: strconv.Itoa(len(l)) + "-character label",
				})
			}
		}
		if len(longest) >= entropyMinLen {
			if h := entropy(longest); h >= entropyThreshold {
				t.observe("high_entropy_label", "random-looking labels (DGA-like or encoded data)", Evidence{
					Frames: []int{ns.firstSeen}, Client: ns.client.String(), Name: n, Score: math.Round(h*100) / 100,
					Detail: "label " + strconv.Quote(longest) + " has " + strconv.FormatFloat(h, 'f', 2, 64) + " bits/character",
				})
			}
		}
		if sub != "" {
			d := doms[reg]
			if d == nil {
				d = &domAgg{example: n, client: ns.client}
				doms[reg] = d
			}
			d.names++
			d.txt += ns.txt
		}
	}
	regs := make([]string, 0, len(doms))
	for r := range doms {
		regs = append(regs, r)
	}
	sort.Strings(regs)
	for _, r := range regs {
		d := doms[r]
		if d.names >= tunnelUniqueNames {
			t.observe("many_subdomains", "many distinct names under one domain (tunnel-like)", Evidence{
				Name: r, Client: d.client.String(), Count: d.names, Detail: strconv.Itoa(d.names) + " distinct names, e.g. " + d.example,
			})
		}
		if d.txt >= tunnelTXTQueries {
			t.observe("txt_heavy", "many TXT/NULL queries under one domain (tunnel-like)", Evidence{
				Name: r, Client: d.client.String(), Count: d.txt, Detail: strconv.Itoa(d.txt) + " TXT/NULL queries",
			})
		}
	}

	// Beacon-like: a client asking one name at a steady period (names
	// already sorted).
	for _, n := range names {
		b := t.names[n].beacon
		if b == nil || b.others || len(b.ns) < beaconMinQueries {
			continue
		}
		if p, ok := period(b.ns); ok {
			fr := b.frames
			if len(fr) > 10 {
				fr = fr[:10]
			}
			t.observe("periodic_queries", "queries at regular intervals (beacon-like)", Evidence{
				Frames: fr, Client: b.client.String(), Name: n, PeriodSeconds: math.Round(p*1000) / 1000,
				Count:  len(b.ns) + b.more,
				Detail: strconv.Itoa(len(b.ns)+b.more) + " queries every " + strconv.FormatFloat(p, 'f', 1, 64) + " s",
			})
		}
	}

	// Per client: NXDOMAIN bursts and many resolvers.
	clients := make([]netip.Addr, 0, len(t.clients))
	for a := range t.clients {
		clients = append(clients, a)
	}
	sort.Slice(clients, func(i, j int) bool { return clients[i].Less(clients[j]) })
	for _, a := range clients {
		h := t.clients[a]
		if b := h.burst; b != nil {
			t.observe("nxdomain_burst", "bursts of NXDOMAIN answers to one client", Evidence{
				Frames: []int{b.first, b.last}, Client: a.String(), Count: b.count,
				Detail: strconv.Itoa(b.count) + " NXDOMAIN answers, at least " + strconv.Itoa(nxBurstCount) + " within 60 s",
			})
		}
		if len(h.servers) >= manyResolvers {
			srv := make([]netip.Addr, 0, len(h.servers))
			for s := range h.servers {
				srv = append(srv, s)
			}
			sort.Slice(srv, func(i, j int) bool { return srv[i].Less(srv[j]) })
			parts := make([]string, len(srv))
			for i, s := range srv {
				parts[i] = s.String()
			}
			t.observe("many_resolvers", "clients asking many different servers", Evidence{
				Client: a.String(), Count: len(srv), Detail: strings.Join(parts, ", "),
			})
		}
	}
}

// period returns the median interval of timestamps when nearly all
// intervals are within beaconTolerance of it.
func period(ns []int64) (float64, bool) {
	iv := make([]float64, 0, len(ns)-1)
	for i := 1; i < len(ns); i++ {
		iv = append(iv, float64(ns[i]-ns[i-1])/1e9)
	}
	s := append([]float64(nil), iv...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if med < beaconMinPeriodSec {
		return 0, false
	}
	ok := 0
	for _, v := range iv {
		if math.Abs(v-med) <= beaconTolerance*med {
			ok++
		}
	}
	return med, float64(ok) >= 0.8*float64(len(iv))
}
