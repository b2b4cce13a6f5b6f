// Command agree measures, area by area, on how many captures pcaplens'
// figures agree with tshark's and capinfos' (Wireshark 4.0), and lists each
// capture that differs with what differs. It runs tshark, so it is a tool,
// not a test: `make agree` (see README.md beside it).
//
//	go run ./testdata/agree [-cache DIR] [-j N] [-area NAME] [-md] DIR|FILE…
//
// tshark's and capinfos' output is cached per capture content (DIR/cache by
// default), so a second run only runs pcaplens.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	_ "pcaplens/analysis/all"
	"pcaplens/analysis/dhcp"
	"pcaplens/analysis/dns"
	"pcaplens/analysis/engine"
)

// Areas in the order the table lists them.
var areas = []string{"capinfos", "tcp", "dns", "dhcp", "icmp", "sip"}

// tcpFlags are the tcp.analysis.* flags compared, in tshark's field names.
var tcpFlags = []string{"retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
	"duplicate_ack", "lost_segment", "ack_lost_segment", "zero_window", "zero_window_probe",
	"zero_window_probe_ack", "window_full", "window_update", "keep_alive", "keep_alive_ack", "reused_ports"}

// fields are the tshark fields extracted per frame; cacheVersion changes
// whenever they do, so that a stale cache is not read.
var fields = func() []string {
	f := []string{"frame.number", "frame.time_epoch", "frame.protocols", "tcp.stream"}
	for _, fl := range tcpFlags {
		f = append(f, "tcp.analysis."+fl)
	}
	return append(f,
		"dns.flags.response", "dns.flags.opcode", "dns.flags.rcode", "dns.resp.ext_rcode", "dns.count.queries",
		"dns.qry.type", "dns.response_in", "dns.response_to", "dns.time", "dns.retransmit_response", "dns.retransmission",
		"dhcp.type", "dhcp.id", "dhcp.option.dhcp", "dhcp.hw.mac_addr", "dhcp.option.dhcp_server_id",
		"dhcpv6.msgtype", "dhcpv6.xid",
		"icmp.type", "icmp.code", "icmp.resp_in", "icmp.resp_to",
		"icmpv6.type", "icmpv6.code", "icmpv6.resp_in", "icmpv6.resp_to",
		"sip.Method", "sip.Status-Code", "sip.Call-ID")
}()

const cacheVersion = "1"

// agg separates the occurrences of a field within a frame.
const agg = "\x1f"

func main() {
	cacheDir := flag.String("cache", "testdata/agree/cache", "directory of cached tshark and capinfos output")
	jobs := flag.Int("j", 2, "captures processed at once")
	only := flag.String("area", "", "report only this area ("+strings.Join(areas, ", ")+")")
	md := flag.Bool("md", false, "print the table as Markdown")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: agree [-cache DIR] [-j N] [-area NAME] [-md] DIR|FILE...")
		os.Exit(2)
	}
	for _, tool := range []string{"tshark", "capinfos"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Fprintf(os.Stderr, "agree: %s (Wireshark 4.0) is needed: %v\n", tool, err)
			os.Exit(1)
		}
	}
	if err := os.MkdirAll(*cacheDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "agree:", err)
		os.Exit(1)
	}
	caps := list(flag.Args())
	results := make([]result, len(caps))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < *jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = measure(caps[i], *cacheDir)
			}
		}()
	}
	for i := range caps {
		next <- i
	}
	close(next)
	wg.Wait()
	printTable(results, *only, *md)
}

// capture is one file to measure, under the name it is listed as.
type capture struct{ path, name string }

// list finds the capture files under the arguments, once per content.
func list(args []string) []capture {
	var out []capture
	seen := map[string]bool{}
	for _, a := range args {
		a = filepath.Clean(a)
		base := filepath.Dir(a)
		_ = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".md", ".json", ".txt", ".sh", ".go", ".py", ".lua":
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			h := sha256.Sum256(b)
			k := hex.EncodeToString(h[:])
			if seen[k] {
				return nil
			}
			seen[k] = true
			rel, _ := filepath.Rel(base, p)
			out = append(out, capture{path: p, name: rel})
			return nil
		})
	}
	return out
}

// result is one capture's differences per area; an area absent from
// present has nothing to compare (neither side saw it).
type result struct {
	name    string
	skip    string // why the capture was not measured
	present map[string]bool
	diffs   map[string][]string
}

func measure(c capture, cacheDir string) result {
	res := result{name: c.name, present: map[string]bool{}, diffs: map[string][]string{}}
	b, err := os.ReadFile(c.path)
	if err != nil {
		res.skip = err.Error()
		return res
	}
	h := sha256.Sum256(append(b, cacheVersion...))
	key := filepath.Join(cacheDir, hex.EncodeToString(h[:16]))
	ci, ciErr := cached(key+".capinfos", func() ([]byte, error) {
		cmd := exec.Command("capinfos", "-M", "-c", "-d", "-a", "-e", "-S", c.path)
		cmd.Env = append(os.Environ(), "TZ=UTC")
		out, err := cmd.Output()
		if bytes.Contains(out, []byte("Number of packets:")) {
			return out, nil // a file cut short: capinfos counts what it read
		}
		return out, err
	})
	ts, _ := cached(key+".tshark", func() ([]byte, error) {
		args := []string{"-n", "-2", "-r", c.path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=" + agg}
		for _, f := range fields {
			args = append(args, "-e", f)
		}
		out, _ := exec.Command("tshark", args...).Output() // a damaged file still yields its frames
		return out, nil
	})
	doc, err := pcaplens(c.path)
	if err != nil {
		if ciErr != nil {
			res.skip = "not a capture: " + err.Error()
			return res
		}
		res.present["capinfos"] = true
		res.diffs["capinfos"] = []string{"pcaplens: " + err.Error()}
		return res
	}
	want := parseTshark(ts)
	compareCapinfos(&res, ci, ciErr, doc)
	compareTCP(&res, want, doc)
	compareDNS(&res, want, doc)
	compareDHCP(&res, want, doc)
	compareICMP(&res, want, doc)
	compareSIP(&res, want, doc)
	return res
}

// cached returns the file at path, or makes it with run and stores it.
func cached(path string, run func() ([]byte, error)) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		if bytes.HasPrefix(b, []byte("ERROR ")) {
			return nil, fmt.Errorf("%s", b[6:])
		}
		return b, nil
	}
	b, err := run()
	if err != nil {
		_ = os.WriteFile(path, []byte("ERROR "+err.Error()), 0o644)
		return nil, err
	}
	_ = os.WriteFile(path, b, 0o644)
	return b, nil
}

// doc is the part of pcaplens' report that is compared.
type doc struct {
	Capinfos struct {
		PacketCount int   `json:"packet_count"`
		DataSize    int64 `json:"data_size_bytes"`
		FirstNs     int64 `json:"first_packet_time_ns"`
		LastNs      int64 `json:"last_packet_time_ns"`
		TimesKnown  bool  `json:"times_known"`
	} `json:"capinfos"`
	TCP struct {
		Summary struct {
			TotalConnections int            `json:"total_connections"`
			AnalysisFlags    map[string]int `json:"analysis_flags"`
		} `json:"summary"`
	} `json:"tcp_connections"`
	DNS struct {
		Statistics struct {
			Queries      int            `json:"queries"`
			Responses    int            `json:"responses"`
			Rcodes       map[string]int `json:"rcodes"`
			Qtypes       map[string]int `json:"qtypes"`
			Unanswered   int            `json:"unanswered_queries"`
			RetransQ     int            `json:"retransmitted_queries"`
			RetransR     int            `json:"retransmitted_responses"`
			ResponseTime *spread        `json:"response_time"`
		} `json:"statistics"`
	} `json:"dns"`
	DHCP struct {
		Statistics struct {
			MessageTypes map[string]int `json:"message_types"`
			Transactions int            `json:"transactions"`
			Clients      int            `json:"unique_clients"`
			Servers      int            `json:"unique_servers"`
		} `json:"statistics"`
		V6 struct {
			MessageTypes map[string]int `json:"message_types"`
			Transactions int            `json:"transactions"`
		} `json:"dhcpv6"`
	} `json:"dhcp"`
	ICMP struct {
		Statistics icmpStats `json:"statistics"`
		V6         struct {
			Statistics icmpStats `json:"statistics"`
		} `json:"icmpv6"`
	} `json:"icmp"`
	SIP struct {
		Statistics struct {
			Methods     map[string]int `json:"methods"`
			StatusCodes map[string]int `json:"status_codes"`
			CallIDs     int            `json:"call_ids"`
		} `json:"statistics"`
	} `json:"sip"`
}

type spread struct {
	Count  int     `json:"count"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	P95    float64 `json:"p95"`
	Max    float64 `json:"max"`
}

type icmpStats struct {
	TypeCodes    map[string]int `json:"type_code_counts"`
	EchoRequests int            `json:"echo_requests"`
	EchoReplies  int            `json:"echo_replies"`
	Unanswered   int            `json:"unanswered_requests"`
	RTT          *spread        `json:"rtt"`
}

// pcaplens runs the engine in this process (through JSON, so that this tool
// depends only on the documented report shapes).
func pcaplens(path string) (*doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := engine.Run(context.Background(), f, &engine.Options{
		Tools:      []string{"capinfos", "dns", "dhcp", "tcp_connections", "icmp", "sip"},
		FileName:   filepath.Base(path),
		MaxPackets: 1,
	})
	if err != nil {
		return nil, err
	}
	for k, v := range out {
		if m, ok := v.(map[string]any); ok && m["error"] != nil {
			return nil, fmt.Errorf("%s: %v", k, m["error"])
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// frame is one row of tshark's output: field name → its occurrences.
type frame map[string][]string

func (f frame) first(k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (f frame) has(k string) bool { return len(f[k]) > 0 }

// protocols is frame.protocols split.
func (f frame) protocols() []string { return strings.Split(f.first("frame.protocols"), ":") }

func parseTshark(b []byte) []frame {
	var out []frame
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		fr := frame{}
		for i, c := range cols {
			if i >= len(fields) || c == "" {
				continue
			}
			fr[fields[i]] = strings.Split(c, agg)
		}
		out = append(out, fr)
	}
	return out
}

func contains(list []string, s ...string) bool {
	for _, p := range list {
		for _, x := range s {
			if p == x {
				return true
			}
		}
	}
	return false
}

func (r *result) differ(area, what string, ours, theirs any) {
	r.diffs[area] = append(r.diffs[area], fmt.Sprintf("%s %v, tshark %v", what, ours, theirs))
}

// capinfos: count, data size, first and last packet time (capinfos -M -S).
func compareCapinfos(r *result, out []byte, err error, d *doc) {
	c := d.Capinfos
	r.present["capinfos"] = true
	if err != nil {
		r.diffs["capinfos"] = append(r.diffs["capinfos"], fmt.Sprintf("capinfos failed (%v); pcaplens read %d packets", strings.TrimSpace(err.Error()), c.PacketCount))
		return
	}
	v := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, val, ok := strings.Cut(l, ":"); ok {
			v[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	}
	n, _ := strconv.Atoi(v["Number of packets"])
	size, _ := strconv.ParseInt(strings.TrimSuffix(v["Data size"], " bytes"), 10, 64)
	if c.PacketCount != n {
		r.differ("capinfos", "packets", c.PacketCount, n)
	}
	if c.DataSize != size {
		r.differ("capinfos", "data size", c.DataSize, size)
	}
	if n == 0 {
		return
	}
	if _, ok := v["First packet time"]; !ok {
		if c.TimesKnown {
			r.differ("capinfos", "times", "known", "not shown (a packet without a time)")
		}
		return
	}
	for _, t := range []struct {
		what string
		ns   int64
		key  string
	}{{"first time", c.FirstNs, "First packet time"}, {"last time", c.LastNs, "Last packet time"}} {
		if want, ok := epochNs(v[t.key]); !ok || want.Cmp(big.NewInt(t.ns)) != 0 {
			r.differ("capinfos", t.what, nsString(t.ns), v[t.key])
		}
	}
}

// epochNs reads "1550021162.059301" as nanoseconds.
func epochNs(s string) (*big.Int, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	if len(fp) > 9 {
		fp = fp[:9]
	}
	fp += strings.Repeat("0", 9-len(fp))
	n, ok := new(big.Int).SetString(ip+fp, 10)
	if ok && neg {
		n.Neg(n)
	}
	return n, ok
}

func nsString(ns int64) string {
	sign := ""
	u := new(big.Int).SetInt64(ns)
	if ns < 0 {
		sign = "-"
		u.Neg(u)
	}
	q, m := new(big.Int).QuoRem(u, big.NewInt(1e9), new(big.Int))
	return fmt.Sprintf("%s%s.%09d", sign, q, m.Int64())
}

// ipBefore tells whether an IP layer precedes the first p in protos.
func ipBefore(protos []string, p string) bool {
	for _, x := range protos {
		if x == p {
			return false
		}
		if x == "ip" || x == "ipv6" {
			return true
		}
	}
	return false
}

// tcp: distinct tcp.stream of frames with TCP over IP (TCP quoted in ICMP
// errors left out), and frames per tcp.analysis.* flag.
func compareTCP(r *result, frames []frame, d *doc) {
	streams := map[string]bool{}
	flags := map[string]int{}
	for _, f := range frames {
		p := f.protocols()
		if !contains(p, "tcp") || contains(p, "icmp", "icmpv6") || !ipBefore(p, "tcp") || !f.has("tcp.stream") {
			continue
		}
		streams[f.first("tcp.stream")] = true
		for _, fl := range tcpFlags {
			if f.has("tcp.analysis." + fl) {
				flags[fl]++
			}
		}
	}
	s := d.TCP.Summary
	if len(streams) == 0 && s.TotalConnections == 0 {
		return
	}
	r.present["tcp"] = true
	if s.TotalConnections != len(streams) {
		r.differ("tcp", "streams", s.TotalConnections, len(streams))
	}
	for _, fl := range tcpFlags {
		if s.AnalysisFlags[fl] != flags[fl] {
			r.differ("tcp", fl, s.AnalysisFlags[fl], flags[fl])
		}
	}
}

// summarize is count, min, median (mean of the middle two), p95 (nearest
// rank), max, as pcaplens' report.Summarize and the testdata scripts.
func summarize(v []float64) *spread {
	if len(v) == 0 {
		return nil
	}
	sort.Float64s(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	rank := int(math.Ceil(0.95*float64(n))) - 1
	if rank < 0 {
		rank = 0
	}
	return &spread{Count: n, Min: v[0], Median: med, P95: v[rank], Max: v[n-1]}
}

func sameSpread(a, b *spread, p95 bool) bool {
	if a == nil || b == nil {
		return (a == nil || a.Count == 0) && (b == nil || b.Count == 0)
	}
	near := func(x, y float64) bool { return math.Abs(x-y) < 1.5e-9 }
	return a.Count == b.Count && near(a.Min, b.Min) && near(a.Median, b.Median) && near(a.Max, b.Max) && (!p95 || near(a.P95, b.P95))
}

func (s *spread) String() string {
	if s == nil {
		return "none"
	}
	return fmt.Sprintf("{n %d min %.9g med %.9g p95 %.9g max %.9g}", s.Count, s.Min, s.Median, s.P95, s.Max)
}

// histogram prints a map sorted by key.
func histogram(m map[string]int) string {
	var ks []string
	for k, v := range m {
		if v != 0 {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	var b strings.Builder
	b.WriteString("{")
	for i, k := range ks {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s:%d", k, m[k])
	}
	b.WriteString("}")
	return b.String()
}

func sameHist(a, b map[string]int) bool { return histogram(a) == histogram(b) }

var rcodeByName, typeByName = func() (map[string]int, map[string]int) {
	rc, ty := map[string]int{}, map[string]int{}
	for i := 4095; i >= 0; i-- {
		rc[dns.RcodeName(uint16(i))] = i
	}
	for i := 65535; i >= 0; i-- {
		ty[dns.TypeName(uint16(i))] = i
	}
	return rc, ty
}()

func byNumber(m map[string]int, names map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if c, ok := names[k]; ok {
			out[strconv.Itoa(c)] += v
		} else {
			out[k] += v
		}
	}
	return out
}

// dns: messages (dns, mdns, llmnr; several per TCP frame) by
// dns.flags.response; responses by dns.flags.rcode; questions of queries by
// dns.qry.type; queries without dns.response_in; retransmitted queries
// (dns.retransmission on a query) and responses (dns.retransmit_response);
// dns.time. Frames with ICMP
// (DNS quoted in an error) are left out.
func compareDNS(r *result, frames []frame, d *doc) {
	q, resp, unans, retransQ, retransR := 0, 0, 0, 0, 0
	rcodes, qtypes := map[string]int{}, map[string]int{}
	var times []float64
	for _, f := range frames {
		p := f.protocols()
		if !contains(p, "dns", "mdns", "llmnr") || contains(p, "icmp", "icmpv6") {
			continue
		}
		rc := f["dns.flags.rcode"]
		// The question count of each message (an UPDATE has dns.count.zones
		// instead, not extracted: a frame of one message takes every question).
		counts := f["dns.count.queries"]
		if len(f["dns.flags.response"]) == 1 {
			counts = []string{strconv.Itoa(len(f["dns.qry.type"]))}
		}
		types := f["dns.qry.type"]
		for i, isResp := range f["dns.flags.response"] {
			nq := 0
			if i < len(counts) {
				nq, _ = strconv.Atoi(counts[i])
			}
			if nq > len(types) {
				nq = len(types)
			}
			mine := types[:nq]
			types = types[nq:]
			if isResp == "1" {
				resp++
				if len(rc) > 0 {
					rcodes[rc[0]]++
					rc = rc[1:]
				}
				continue
			}
			q++
			for _, t := range mine {
				qtypes[t]++
			}
		}
		unans -= len(f["dns.response_in"])
		retransR += len(f["dns.retransmit_response"])
		retransQ += len(f["dns.retransmission"]) - len(f["dns.retransmit_response"])
		for _, t := range f["dns.time"] {
			if v, err := strconv.ParseFloat(t, 64); err == nil {
				times = append(times, v)
			}
		}
	}
	unans += q
	s := d.DNS.Statistics
	if q+resp == 0 && s.Queries+s.Responses == 0 {
		return
	}
	r.present["dns"] = true
	if s.Queries != q || s.Responses != resp {
		r.differ("dns", "queries/responses", fmt.Sprintf("%d/%d", s.Queries, s.Responses), fmt.Sprintf("%d/%d", q, resp))
	}
	if got := byNumber(s.Rcodes, rcodeByName); !sameHist(got, rcodes) {
		r.differ("dns", "rcodes", histogram(got), histogram(rcodes))
	}
	if got := byNumber(s.Qtypes, typeByName); !sameHist(got, qtypes) {
		r.differ("dns", "qtypes", histogram(got), histogram(qtypes))
	}
	if s.Unanswered != unans {
		r.differ("dns", "unanswered", s.Unanswered, unans)
	}
	if s.RetransQ != retransQ || s.RetransR != retransR {
		r.differ("dns", "retransmitted queries/responses", fmt.Sprintf("%d/%d", s.RetransQ, s.RetransR), fmt.Sprintf("%d/%d", retransQ, retransR))
	}
	if want := summarize(times); !sameSpread(s.ResponseTime, want, true) {
		r.differ("dns", "response times", s.ResponseTime, want)
	}
}

// dhcp: frames with a dhcp layer (not in ICMP errors) by dhcp.option.dhcp
// (BOOTP messages without it as "BOOTP"), distinct dhcp.id, dhcp.hw.mac_addr
// and dhcp.option.dhcp_server_id; DHCPv6 by dhcpv6.msgtype and distinct
// dhcpv6.xid.
func compareDHCP(r *result, frames []frame, d *doc) {
	types, ids, macs, servers := map[string]int{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	types6, ids6 := map[string]int{}, map[string]bool{}
	n4, n6 := 0, 0
	for _, f := range frames {
		p := f.protocols()
		if contains(p, "icmp", "icmpv6") {
			continue
		}
		if contains(p, "dhcp") && f.has("dhcp.id") {
			n4++
			for _, v := range f["dhcp.id"] {
				ids[v] = true
			}
			for _, v := range f["dhcp.hw.mac_addr"] {
				macs[v] = true
			}
			for _, v := range f["dhcp.option.dhcp_server_id"] {
				servers[v] = true
			}
			if !f.has("dhcp.option.dhcp") {
				types["BOOTP"]++
			}
			for _, v := range f["dhcp.option.dhcp"] {
				n, _ := strconv.Atoi(v)
				types[dhcp.MessageTypeName(dhcp.MessageType(n))]++
			}
		}
		if contains(p, "dhcpv6") {
			n6++
			for _, v := range f["dhcpv6.msgtype"] {
				n, _ := strconv.Atoi(v)
				types6[dhcp.V6TypeName(dhcp.V6Type(n))]++
			}
			for _, v := range f["dhcpv6.xid"] {
				ids6[v] = true
			}
		}
	}
	s, v6 := d.DHCP.Statistics, d.DHCP.V6
	ours := sum(s.MessageTypes) + sum(v6.MessageTypes) + s.Transactions + v6.Transactions
	if n4+n6 == 0 && ours == 0 {
		return
	}
	r.present["dhcp"] = true
	if !sameHist(s.MessageTypes, types) {
		r.differ("dhcp", "message types", histogram(s.MessageTypes), histogram(types))
	}
	if s.Transactions != len(ids) {
		r.differ("dhcp", "transactions", s.Transactions, len(ids))
	}
	if s.Clients != len(macs) {
		r.differ("dhcp", "clients", s.Clients, len(macs))
	}
	if s.Servers != len(servers) {
		r.differ("dhcp", "servers", s.Servers, len(servers))
	}
	if !sameHist(v6.MessageTypes, types6) {
		r.differ("dhcp", "DHCPv6 message types", histogram(v6.MessageTypes), histogram(types6))
	}
	if v6.Transactions != len(ids6) {
		r.differ("dhcp", "DHCPv6 transactions", v6.Transactions, len(ids6))
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// icmp, per family: the outer (first) ICMP message of each frame by
// "type/code", echo requests and replies, requests without resp_in, and the
// times of replies with resp_to (frame time minus the request's).
func compareICMP(r *result, frames []frame, d *doc) {
	times := map[string]*big.Int{}
	for _, f := range frames {
		if t, ok := epochNs(f.first("frame.time_epoch")); ok {
			times[f.first("frame.number")] = t
		}
	}
	present := false
	for _, fam := range []struct {
		name, proto string
		req, rep    int
		ours        icmpStats
	}{{"ICMP", "icmp", 8, 0, d.ICMP.Statistics}, {"ICMPv6", "icmpv6", 128, 129, d.ICMP.V6.Statistics}} {
		tc := map[string]int{}
		reqs, reps, unans := 0, 0, 0
		var rtts []float64
		for _, f := range frames {
			p := f.protocols()
			first := ""
			for _, x := range p {
				if x == "icmp" || x == "icmpv6" {
					first = x
					break
				}
			}
			if first != fam.proto || !ipBefore(p, first) {
				continue
			}
			t, err1 := strconv.Atoi(f.first(fam.proto + ".type"))
			c, err2 := strconv.Atoi(f.first(fam.proto + ".code"))
			if err1 != nil || err2 != nil {
				continue
			}
			tc[fmt.Sprintf("%d/%d", t, c)]++
			switch t {
			case fam.req:
				reqs++
				if !f.has(fam.proto + ".resp_in") {
					unans++
				}
			case fam.rep:
				reps++
				if to := f.first(fam.proto + ".resp_to"); to != "" {
					a, b := times[f.first("frame.number")], times[to]
					if a != nil && b != nil {
						ns := new(big.Int).Sub(a, b).Int64()
						rtts = append(rtts, float64(ns)/1e9)
					}
				}
			}
		}
		o := fam.ours
		if len(tc) == 0 && sum(o.TypeCodes) == 0 {
			continue
		}
		present = true
		if !sameHist(o.TypeCodes, tc) {
			r.differ("icmp", fam.name+" type/code", histogram(o.TypeCodes), histogram(tc))
		}
		if o.EchoRequests != reqs || o.EchoReplies != reps {
			r.differ("icmp", fam.name+" echo requests/replies", fmt.Sprintf("%d/%d", o.EchoRequests, o.EchoReplies), fmt.Sprintf("%d/%d", reqs, reps))
		}
		if o.Unanswered != unans {
			r.differ("icmp", fam.name+" unanswered", o.Unanswered, unans)
		}
		if want := summarize(rtts); !sameSpread(o.RTT, want, false) {
			r.differ("icmp", fam.name+" RTT", o.RTT, want)
		}
	}
	if present {
		r.present["icmp"] = true
	}
}

// sip: sip.Method and sip.Status-Code occurrences, distinct sip.Call-ID.
func compareSIP(r *result, frames []frame, d *doc) {
	methods, codes, ids := map[string]int{}, map[string]int{}, map[string]bool{}
	for _, f := range frames {
		if !contains(f.protocols(), "sip") {
			continue
		}
		for _, m := range f["sip.Method"] {
			methods[m]++
		}
		for _, c := range f["sip.Status-Code"] {
			codes[c]++
		}
		for _, c := range f["sip.Call-ID"] {
			ids[c] = true
		}
	}
	s := d.SIP.Statistics
	if len(methods)+len(codes) == 0 && sum(s.Methods)+sum(s.StatusCodes) == 0 {
		return
	}
	r.present["sip"] = true
	if !sameHist(s.Methods, methods) {
		r.differ("sip", "methods", histogram(s.Methods), histogram(methods))
	}
	if !sameHist(s.StatusCodes, codes) {
		r.differ("sip", "status codes", histogram(s.StatusCodes), histogram(codes))
	}
	if s.CallIDs != len(ids) {
		r.differ("sip", "Call-IDs", s.CallIDs, len(ids))
	}
}

func printTable(results []result, only string, md bool) {
	sort.Slice(results, func(i, j int) bool { return results[i].name < results[j].name })
	skipped := 0
	for _, r := range results {
		if r.skip != "" {
			skipped++
		}
	}
	if md {
		fmt.Println("| area | captures | agree | share |")
		fmt.Println("| --- | ---: | ---: | ---: |")
	} else {
		fmt.Printf("%-9s %9s %6s %8s\n", "area", "captures", "agree", "share")
	}
	for _, a := range areas {
		if only != "" && a != only {
			continue
		}
		n, ok := 0, 0
		for _, r := range results {
			if r.present[a] {
				n++
				if len(r.diffs[a]) == 0 {
					ok++
				}
			}
		}
		share := "-"
		if n > 0 {
			share = fmt.Sprintf("%.1f %%", 100*float64(ok)/float64(n))
		}
		if md {
			fmt.Printf("| %s | %d | %d | %s |\n", a, n, ok, share)
		} else {
			fmt.Printf("%-9s %9d %6d %8s\n", a, n, ok, share)
		}
	}
	fmt.Printf("\n%d captures measured, %d not readable as captures.\n", len(results)-skipped, skipped)
	for _, a := range areas {
		if only != "" && a != only {
			continue
		}
		head := false
		for _, r := range results {
			if len(r.diffs[a]) == 0 {
				continue
			}
			if !head {
				fmt.Printf("\n%s differs:\n", a)
				head = true
			}
			if md {
				fmt.Printf("- `%s`: %s\n", r.name, strings.Join(r.diffs[a], "; "))
			} else {
				fmt.Printf("  %s: %s\n", r.name, strings.Join(r.diffs[a], "; "))
			}
		}
	}
}
