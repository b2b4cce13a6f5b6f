package dns

import (
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Thresholds of the findings. They describe what is seen; they are not
// verdicts.
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

// Finding kinds (docs/reports.md lists each with its severity).
const (
	kindZoneTransfer    = "dns.zone_transfer"
	kindUnaskedServer   = "dns.answer_from_unasked_server"
	kindHighEntropy     = "dns.high_entropy_label"
	kindManySubdomains  = "dns.many_subdomains"
	kindTXTHeavy        = "dns.txt_heavy"
	kindLongLabel       = "dns.long_label"
	kindLongName        = "dns.long_name"
	kindNXDOMAINBurst   = "dns.nxdomain_burst"
	kindPeriodicQueries = "dns.periodic_queries"
	kindNonStandardPort = "dns.non_standard_port"
	kindManyResolvers   = "dns.many_resolvers"
	kindFailedAnswers   = "dns.failed_answers"
)

// kindSeverity is each kind's severity (dns.failed_answers is decided by
// the share of failed answers instead).
var kindSeverity = map[string]finding.Severity{
	kindZoneTransfer:    finding.High,
	kindUnaskedServer:   finding.High,
	kindHighEntropy:     finding.High,
	kindManySubdomains:  finding.Medium,
	kindTXTHeavy:        finding.Medium,
	kindLongLabel:       finding.Medium,
	kindNXDOMAINBurst:   finding.Medium,
	kindPeriodicQueries: finding.Medium,
	kindNonStandardPort: finding.Medium,
	kindLongName:        finding.Low,
	kindManyResolvers:   finding.Low,
}

// maxFilterTerms is how many alternatives a finding's filter joins at most;
// beyond it the finding has no filter (unless its kind has one of its own).
const maxFilterTerms = 20

// note gathers the evidence of one finding kind while the tap runs.
type note struct {
	frames   finding.Frames
	count    int
	subjects []string // distinct, at most maxEvidence
	more     int      // distinct subjects not kept
	terms    []string // distinct filter alternatives
	noFilter bool     // more than maxFilterTerms alternatives, or one without a filter
}

// note records count more of a kind with its frames, a subject and the
// filter that selects its frames ("" when none does).
func (t *Tap) note(kind string, count int, subject, filter string, frames ...int) {
	n := t.notes[kind]
	if n == nil {
		n = &note{}
		t.notes[kind] = n
	}
	n.count += count
	for _, f := range frames {
		n.frames.Add(f)
	}
	if subject != "" && !contains(n.subjects, subject) {
		if len(n.subjects) < maxEvidence {
			n.subjects = append(n.subjects, subject)
		} else {
			n.more++
		}
	}
	switch {
	case filter == "":
		n.noFilter = true
	case contains(n.terms, filter):
	case len(n.terms) < maxFilterTerms:
		n.terms = append(n.terms, filter)
	default:
		n.noFilter = true
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// qname is a display-filter test of a query name.
func qname(n string) string { return "dns.qry.name == " + finding.Quote(n) }

// under is a display-filter test of names at or under a registered domain
// ("matches" is case-insensitive in Wireshark).
func under(domain string) string {
	return "dns.qry.name matches " + finding.Quote(`(^|\.)`+regexpQuote(domain)+`$`)
}

func regexpQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.+*?()|[]{}^$`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// some lists the first subjects ("a, b, c and 4 more").
func some(subjects []string, more int) string {
	const k = 3
	if len(subjects) > k {
		more += len(subjects) - k
		subjects = subjects[:k]
	}
	s := strings.Join(subjects, ", ")
	if more > 0 {
		s += " and " + report.Count(more) + " more"
	}
	return s
}

// findings turns the notes into the report's findings, by kind.
func (t *Tap) findings() []finding.Finding {
	t.noteNames()
	return append([]finding.Finding{}, t.told(true)...)
}

// Early implements engine.Early: the failed answers so far (without the
// servers and names that answered them, gathered at Finish) and the kinds
// noted as the packets go (those found from the names, domains and clients
// seen are told at Finish only).
func (t *Tap) Early(*engine.Capture) []finding.Finding {
	return t.told(false)
}

// told is the failed answers (with their servers and names when whole) and
// the findings of the kinds noted so far, by kind.
func (t *Tap) told(whole bool) []finding.Finding {
	var out []finding.Finding
	if f, ok := t.failedAnswers(whole); ok {
		out = append(out, f)
	}
	kinds := make([]string, 0, len(t.notes))
	for k := range t.notes {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		out = append(out, t.noteFinding(k, t.notes[k]))
	}
	return out
}

// noteFinding is the finding of the notes n of kind k.
func (t *Tap) noteFinding(k string, n *note) finding.Finding {
	f := finding.Finding{
		Kind: k, Severity: kindSeverity[k], Tool: "dns", Count: n.count,
		Frames: n.frames.List(), Subjects: n.subjects,
	}
	if !n.noFilter {
		f.Filter = finding.Or(n.terms...)
	}
	lead := ""
	switch k {
	case kindZoneTransfer:
		lead = report.Plural(n.count, "zone transfer request (AXFR/IXFR)", "zone transfer requests (AXFR/IXFR)")
		f.Filter = "dns.flags.response == 0 && dns.qry.type in {251, 252}"
	case kindUnaskedServer:
		lead = report.Plural(n.count, "response", "responses") + " from a server the client did not ask"
	case kindHighEntropy:
		lead = report.Plural(n.count, "queried name has", "queried names have") + " random-looking labels (DGA-like or encoded data)"
	case kindManySubdomains:
		lead = report.Plural(n.count, "domain has", "domains have") + " many distinct names under it (tunnel-like)"
	case kindTXTHeavy:
		lead = report.Plural(n.count, "domain gets", "domains get") + " many TXT/NULL queries (tunnel-like)"
	case kindLongLabel:
		lead = report.Plural(n.count, "queried name has", "queried names have") + " a label of " + strconv.Itoa(longLabelLen) + " characters or more"
	case kindLongName:
		lead = report.Plural(n.count, "queried name is", "queried names are") + " " + strconv.Itoa(longNameLen) + " characters or longer"
	case kindNXDOMAINBurst:
		lead = report.Plural(n.count, "NXDOMAIN answer", "NXDOMAIN answers") + " in bursts (" + strconv.Itoa(nxBurstCount) + " or more within 60 s to one client)"
	case kindPeriodicQueries:
		lead = report.Plural(n.count, "name is", "names are") + " queried at regular intervals (beacon-like)"
	case kindNonStandardPort:
		lead = report.Plural(n.count, "DNS message", "DNS messages") + " on ports not assigned to DNS"
	case kindManyResolvers:
		lead = report.Plural(n.count, "client asks", "clients ask") + " " + strconv.Itoa(manyResolvers) + " or more different DNS servers"
	default:
		lead = report.Plural(n.count, "occurrence", "occurrences")
	}
	if s := some(n.subjects, n.more); s != "" {
		lead += ": " + s
	}
	f.Summary = lead
	return finding.Normalize(f)
}

// failedAnswers is the dns.failed_answers finding: responses whose RCODE
// is not NOERROR, by RCODE, server and name (by RCODE only unless whole:
// the servers and names are gathered from every one seen). Its severity
// grows with the share of responses that failed.
func (t *Tap) failedAnswers(whole bool) (finding.Finding, bool) {
	failed := 0
	type kv struct {
		k string
		n int
	}
	var byRcode []kv
	// An extended RCODE whose header bits are 0 (BADVERS) is a failure that
	// dns.flags.rcode does not show: the filter then asks the OPT record too.
	filter := "dns.flags.response == 1 && dns.flags.rcode != 0"
	for rc, n := range t.rcodes {
		if rc != int(RcodeNOERROR) && n > 0 {
			if rc&0xf == 0 {
				filter = "dns.flags.response == 1 && (dns.flags.rcode != 0 || dns.resp.ext_rcode != 0)"
			}
			failed += n
			byRcode = append(byRcode, kv{RcodeName(uint16(rc)), n})
		}
	}
	if failed == 0 {
		return finding.Finding{}, false
	}
	desc := func(l []kv) {
		sort.Slice(l, func(i, j int) bool {
			if l[i].n != l[j].n {
				return l[i].n > l[j].n
			}
			return l[i].k < l[j].k
		})
	}
	desc(byRcode)
	parts := make([]string, len(byRcode))
	for i, r := range byRcode {
		parts[i] = report.Count(r.n) + " " + r.k
	}
	var servers, names []kv
	if whole {
		for a, h := range t.servers {
			if h.errors > 0 {
				servers = append(servers, kv{a.String(), h.errors})
			}
		}
		desc(servers)
		for n, ns := range t.names {
			if ns.errors > 0 {
				names = append(names, kv{n, ns.errors})
			}
		}
		desc(names)
	}
	share := float64(failed) / float64(t.responses)
	sev := finding.Low
	switch {
	case share >= failedHighShare && failed >= failedHighMin:
		sev = finding.High
	case share >= failedMediumShare:
		sev = finding.Medium
	}
	s := report.Count(failed) + " of " + report.Plural(t.responses, "response", "responses")
	if failed == 1 {
		s += " was an error: "
	} else {
		s += " were errors: "
	}
	s += strings.Join(parts, ", ")
	if len(servers) > 0 {
		s += "; most from " + servers[0].k + " (" + report.Count(servers[0].n) + ")"
	}
	var subjects []string
	for i, n := range names {
		if i == 3 {
			s += " and " + report.Plural(len(names)-3, "other", "others")
			break
		}
		if i == 0 {
			s += "; names "
		} else {
			s += ", "
		}
		s += n.k + " (" + report.Count(n.n) + ")"
	}
	for _, sv := range servers {
		subjects = append(subjects, "server "+sv.k)
	}
	for _, n := range names {
		subjects = append(subjects, n.k)
	}
	if len(subjects) > finding.MaxSubjects {
		// Servers first, then names, but leave room for names.
		ns := min(len(servers), finding.MaxSubjects/2)
		subjects = append(subjects[:ns:ns], subjects[len(servers):]...)
	}
	return finding.Normalize(finding.Finding{
		Kind: kindFailedAnswers, Severity: sev, Tool: "dns", Summary: s, Count: failed,
		Frames: t.failFrames.List(), Subjects: subjects,
		Filter: filter,
	}), true
}

// Severity of dns.failed_answers by the share of responses that failed.
const (
	failedHighShare   = 0.5 // and at least failedHighMin answers
	failedHighMin     = 5
	failedMediumShare = 0.1
)

// noteNames notes the kinds found at Finish from the names, domains and
// clients seen.
func (t *Tap) noteNames() {
	type domAgg struct {
		names, txt int
		example    string
		first      int
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
			t.note(kindLongName, 1, n, qname(n), ns.firstSeen)
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
		}
		if len(longest) >= longLabelLen {
			t.note(kindLongLabel, 1, n, qname(n), ns.firstSeen)
		}
		if len(longest) >= entropyMinLen {
			if h := entropy(longest); h >= entropyThreshold {
				t.note(kindHighEntropy, 1, n+" ("+strconv.FormatFloat(h, 'f', 2, 64)+" bits per character)", qname(n), ns.firstSeen)
			}
		}
		if sub != "" {
			d := doms[reg]
			if d == nil {
				d = &domAgg{example: n, first: ns.firstSeen}
				doms[reg] = d
			}
			d.names++
			d.first = min(d.first, ns.firstSeen)
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
			t.note(kindManySubdomains, 1, r+" ("+report.Count(d.names)+" names, e.g. "+d.example+")", under(r), d.first)
		}
		if d.txt >= tunnelTXTQueries {
			t.note(kindTXTHeavy, 1, r+" ("+report.Plural(d.txt, "query", "queries")+")", "dns.qry.type in {10, 16} && "+under(r), d.first)
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
			t.note(kindPeriodicQueries, 1,
				n+" every "+strconv.FormatFloat(p, 'f', 1, 64)+" s from "+b.client.String()+" ("+report.Plural(len(b.ns)+b.more, "query", "queries")+")",
				"dns.flags.response == 0 && "+finding.IPField("src", b.client)+" && "+qname(n), b.frames...)
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
			t.note(kindNXDOMAINBurst, b.count, a.String()+" ("+report.Count(b.count)+")",
				"dns.flags.rcode == 3 && "+finding.IPField("dst", a), b.frames.List()...)
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
			t.note(kindManyResolvers, 1, a.String()+" asks "+strings.Join(parts, ", "),
				"dns.flags.response == 0 && "+finding.IPField("src", a), h.firstQuery)
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
	med := report.Median(s)
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
