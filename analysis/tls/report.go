package tls

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Report is the "tls" tool's report.
type Report struct {
	File               string     `json:"file"`
	TotalPacketsInFile int        `json:"total_packets_in_file"`
	Statistics         Statistics `json:"statistics"`
	// Connections lists every TLS connection and QUIC connection with a
	// hello or an alert read, in order of the first one (at most
	// --max-packets of them).
	Connections      []Connection `json:"connections"`
	ConnectionsTotal int          `json:"connections_total"`
	// Certificates are the distinct certificates of TLS ≤ 1.2 handshakes,
	// in order of first appearance; connections name them by SHA256.
	Certificates []Certificate `json:"certificates"`
	// HandshakesOverTime counts ClientHellos and plaintext alerts per
	// bucket of time.
	HandshakesOverTime Timeline          `json:"handshakes_over_time"`
	Findings           []finding.Finding `json:"findings"`
	Caps               []report.Cap      `json:"caps"`
	Warnings           []string          `json:"warnings"`
}

// FindingList implements finding.Lister.
func (r Report) FindingList() []finding.Finding { return r.Findings }

// Statistics cover every handshake of the capture. The keyed counts are
// defined as tshark 4.0's fields (testdata/tshark/tls.sh records them):
// one count per occurrence of the field.
type Statistics struct {
	// ClientHellos and ServerHellos count the hello messages (TLS and
	// QUIC; tls.handshake.type 1 and 2, HelloRetryRequests included).
	ClientHellos       int `json:"client_hellos"`
	ServerHellos       int `json:"server_hellos"`
	QUICClientHellos   int `json:"quic_client_hellos"`
	HelloRetryRequests int `json:"hello_retry_requests"`
	// CertificateMessages counts TLS ≤ 1.2 Certificate messages read.
	CertificateMessages int `json:"certificate_messages"`
	// Resumed counts the ServerHellos that resume a session (TLS 1.3:
	// pre_shared_key accepted; earlier: the client's session ID echoed).
	Resumed int `json:"resumed"`
	// Malformed counts hellos that do not parse.
	Malformed int `json:"malformed"`
	// ServerNames: tls.handshake.extensions_server_name → count.
	ServerNames map[string]int `json:"server_names"`
	// JA3 and JA3S: tls.handshake.ja3 / tls.handshake.ja3s → count.
	JA3  map[string]int `json:"ja3"`
	JA3S map[string]int `json:"ja3s"`
	// JA4: FoxIO's JA4 of every ClientHello → count.
	JA4 map[string]int `json:"ja4"`
	// Versions: negotiated version of every ServerHello that is not a
	// HelloRetryRequest (supported_versions, else tls.handshake.version).
	Versions map[string]int `json:"versions"`
	// CipherSuites: the suite each such ServerHello chose (tls.handshake.ciphersuite).
	CipherSuites map[string]int `json:"cipher_suites"`
	// ALPN: every protocol offered in ClientHellos (tls.handshake.extensions_alpn_str).
	ALPN map[string]int `json:"alpn"`
	// ALPNChosen: the protocol a TLS ≤ 1.2 ServerHello chose (in TLS 1.3
	// the choice is encrypted).
	ALPNChosen map[string]int `json:"alpn_chosen"`
	// HandshakeTypes: every plaintext handshake message by type (tls.handshake.type).
	HandshakeTypes map[string]int `json:"handshake_types"`
	// Alerts: plaintext alerts by description (tls.alert_message.desc).
	Alerts map[string]int `json:"alerts"`
}

func (s *Statistics) init() {
	s.ServerNames, s.JA3, s.JA3S, s.JA4 = map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	s.Versions, s.CipherSuites, s.ALPN, s.ALPNChosen = map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	s.HandshakeTypes, s.Alerts = map[string]int{}, map[string]int{}
}

// bump counts key in m, within maxKeys distinct keys.
func (s *Statistics) bump(t *Tap, m map[string]int, key string) {
	if _, ok := m[key]; !ok && len(m) >= maxKeys {
		t.caps.Hit(capKeys, maxKeys)
		return
	}
	m[key]++
}

// Connection is one TLS (over TCP) or QUIC connection's handshake.
type Connection struct {
	// Transport is "tcp" or "quic"; Stream its tcp.stream or udp.stream.
	Transport  string `json:"transport"`
	Stream     int    `json:"stream"`
	Client     string `json:"client"`
	ClientPort uint16 `json:"client_port"`
	Server     string `json:"server"`
	ServerPort uint16 `json:"server_port"`
	// FirstFrame is the frame of the first hello or alert read, at Time.
	FirstFrame int     `json:"first_frame"`
	Timestamp  float64 `json:"timestamp"`
	Time       string  `json:"time"`
	// ClientHelloFrame and ServerHelloFrame are the frames completing
	// the first ClientHello and ServerHello (0: not seen).
	ClientHelloFrame int `json:"client_hello_frame"`
	ServerHelloFrame int `json:"server_hello_frame"`
	// HandshakeTime is the time from ClientHello to ServerHello, in
	// seconds (null without both).
	HandshakeTime *float64 `json:"handshake_time"`
	// SNI is the first server name of the ClientHello.
	SNI string `json:"sni"`
	// OfferedVersions are supported_versions (else the legacy version).
	OfferedVersions []string `json:"offered_versions"`
	// OfferedCiphers counts the cipher suites offered (GREASE left out).
	OfferedCiphers int `json:"offered_ciphers"`
	// Version and Cipher are what the ServerHello chose.
	Version string `json:"version"`
	Cipher  string `json:"cipher"`
	// ALPNOffered lists the client's protocols; ALPN the server's choice
	// when it is in the clear (TLS ≤ 1.2).
	ALPNOffered []string `json:"alpn_offered"`
	ALPN        string   `json:"alpn"`
	// KeyShareGroups are the groups of the client's key shares;
	// KeyShareGroup the one the server answered with (TLS 1.3).
	KeyShareGroups []string `json:"key_share_groups"`
	KeyShareGroup  string   `json:"key_share_group"`
	// SessionTicket and PSK say the client offered a ticket or a
	// pre-shared key; Resumed that the server resumed a session.
	SessionTicket bool `json:"session_ticket"`
	PSK           bool `json:"psk"`
	Resumed       bool `json:"resumed"`
	// HelloRetry is true when the server sent a HelloRetryRequest.
	HelloRetry bool   `json:"hello_retry"`
	JA3        string `json:"ja3"`
	JA3S       string `json:"ja3s"`
	JA4        string `json:"ja4"`
	// Certificates are the SHA256 of the certificates of the first
	// Certificate message, sender's first (the chain as sent), sent at
	// CertificateFrame.
	Certificates     []string `json:"certificates"`
	CertificateFrame int      `json:"certificate_frame"`
	// Alerts are the plaintext alerts, in order (at most 32).
	Alerts []Alert `json:"alerts"`

	timeNs, chNs int64
}

// Alert is one plaintext TLS alert.
type Alert struct {
	Frame       int    `json:"frame"`
	From        string `json:"from"`
	Level       string `json:"level"`
	Description string `json:"description"`
}

// Timeline is the handshakes_over_time series.
type Timeline struct {
	report.Axis
	ClientHellos []int `json:"client_hellos"`
	Alerts       []int `json:"alerts"`
}

func sha256sum(b []byte) string {
	s := sha256.Sum256(b)
	return string(s[:])
}

// Early implements engine.Early: the findings of the evidence gathered so
// far (handshakes, certificates and alerts seen), less the certificate
// findings' filters, which list their connections.
func (t *Tap) Early(*engine.Capture) []finding.Finding { return t.ev.findings(false) }

// Finish builds the report.
func (t *Tap) Finish(c *engine.Capture) map[string]any {
	limit := report.ListLimit(c.Options.MaxPackets)
	r := Report{
		File: c.FileName, TotalPacketsInFile: c.Packets, Statistics: t.stats,
		Connections: []Connection{}, ConnectionsTotal: t.connsTotal, Certificates: []Certificate{},
		Warnings: append([]string{}, c.Warnings...),
	}
	sort.SliceStable(t.conns, func(i, j int) bool { return t.conns[i].row.FirstFrame < t.conns[j].row.FirstFrame })
	for _, cn := range t.conns {
		if len(r.Connections) >= limit {
			t.caps.Hit("per-packet list (max_packets)", limit)
			continue
		}
		row := cn.row
		row.OfferedVersions = report.NonNil(row.OfferedVersions)
		row.ALPNOffered = report.NonNil(row.ALPNOffered)
		row.KeyShareGroups = report.NonNil(row.KeyShareGroups)
		r.Connections = append(r.Connections, row)
	}
	for _, e := range t.certList {
		r.Certificates = append(r.Certificates, *e.cert)
	}
	tl := Timeline{Axis: t.io.Axis(), ClientHellos: []int{}, Alerts: []int{}}
	for _, b := range t.io.Buckets() {
		tl.ClientHellos = append(tl.ClientHellos, b.hellos)
		tl.Alerts = append(tl.Alerts, b.alerts)
	}
	r.HandshakesOverTime = tl
	r.Findings = t.ev.findings(true)
	for _, cp := range t.re.Caps() {
		t.caps.HitN("TCP reassembly: "+cp.What, cp.Limit, cp.Dropped)
	}
	r.Caps = t.caps.List()
	r.Warnings = append(r.Warnings, t.caps.Warnings()...)
	return map[string]any{"tls": r}
}

// evidence gathers what the findings are about.
type evidence struct {
	noSNI      finding.Frames
	deprecated map[uint16]*group
	weak       map[uint16]*group
	expired    group
	notYet     group
	selfSigned group
	mismatch   group
	alerts     map[byte]*group
}

// group is the evidence of one finding: frames, the connections
// (tcp.stream and udp.stream numbers) and subjects.
type group struct {
	frames   finding.Frames
	tcp, udp []int
	subjects []string
	fatal    int
}

func (g *group) add(c *conn, frame int, subject string) {
	g.frames.Add(frame)
	if c.quic {
		g.udp = appendUnique(g.udp, c.stream)
	} else {
		g.tcp = appendUnique(g.tcp, c.stream)
	}
	if subject != "" && len(g.subjects) < finding.MaxSubjects {
		for _, s := range g.subjects {
			if s == subject {
				return
			}
		}
		g.subjects = append(g.subjects, subject)
	}
}

func appendUnique(s []int, v int) []int {
	if len(s) > 0 && s[len(s)-1] == v {
		return s
	}
	for _, x := range s {
		if x == v {
			return s
		}
	}
	if len(s) >= 1000 {
		return s
	}
	return append(s, v)
}

// subject names a connection's server: its SNI, else its address.
func (c *conn) subject() string {
	if c.row.SNI != "" {
		return c.row.SNI
	}
	return c.server.String()
}

func (e *evidence) serverHello(c *conn, v, cipher uint16, frame int) {
	if v == 0x0300 || v == 0x0301 || v == 0x0302 {
		if e.deprecated == nil {
			e.deprecated = map[uint16]*group{}
		}
		g := e.deprecated[v]
		if g == nil {
			g = &group{}
			e.deprecated[v] = g
		}
		g.add(c, frame, c.subject())
	}
	if why, _ := cipherWeakness(cipher); why != "" {
		if e.weak == nil {
			e.weak = map[uint16]*group{}
		}
		g := e.weak[cipher]
		if g == nil {
			g = &group{}
			e.weak[cipher] = g
		}
		g.add(c, frame, c.subject())
	}
}

// leaf checks a server's certificate against the capture's time and the
// server name asked.
func (e *evidence) leaf(c *conn, cert *Certificate, frame int, ns int64) {
	if cert.parsed == nil {
		return
	}
	name := certName(cert)
	// A frame without a time (a pcapng simple packet block) says nothing
	// about validity.
	if ns != 0 && ns > cert.notAfter {
		e.expired.add(c, frame, name)
	}
	if ns != 0 && ns < cert.notBefore {
		e.notYet.add(c, frame, name)
	}
	if cert.SelfSigned {
		e.selfSigned.add(c, frame, name)
	}
	if c.row.SNI != "" && !cert.Covers(c.row.SNI) {
		e.mismatch.add(c, frame, c.row.SNI+" ("+name+")")
	}
}

// certName is the subject's common name, else the whole subject.
func certName(c *Certificate) string {
	if c.parsed != nil && c.parsed.Subject.CommonName != "" {
		return c.parsed.Subject.CommonName
	}
	return c.Subject
}

func (e *evidence) alert(c *conn, level, desc byte, frame int) {
	if e.alerts == nil {
		e.alerts = map[byte]*group{}
	}
	g := e.alerts[desc]
	if g == nil {
		g = &group{}
		e.alerts[desc] = g
	}
	g.add(c, frame, c.subject())
	if level == 2 {
		g.fatal++
	}
}

// streamFilter selects the frames of type typ of the connections of g.
func (g *group) streamFilter(typ int) string {
	var parts []string
	if len(g.tcp) > 0 {
		parts = append(parts, finding.In("tcp.stream", ints(g.tcp)))
	}
	if len(g.udp) > 0 {
		parts = append(parts, finding.In("udp.stream", ints(g.udp)))
	}
	s := strings.Join(parts, " || ")
	if len(parts) > 1 {
		s = "(" + s + ")"
	}
	return "tls.handshake.type == " + strconv.Itoa(typ) + " && " + s
}

func ints(v []int) []string {
	v = append([]int(nil), v...)
	sort.Ints(v)
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.Itoa(x)
	}
	return out
}

func hex16(v uint16) string { return fmt.Sprintf("0x%04x", v) }

// findings are the findings of the evidence gathered; without whole, the
// certificate findings have no filter (it lists their connections).
func (e *evidence) findings(whole bool) []finding.Finding {
	out := []finding.Finding{}
	add := func(f finding.Finding, g *group) {
		f.Tool = "tls"
		f.Frames = g.frames.List()
		if f.Count == 0 {
			f.Count = g.frames.Count()
		}
		if f.Subjects == nil {
			f.Subjects = g.subjects
		}
		out = append(out, finding.Normalize(f))
	}
	if len(e.deprecated) > 0 {
		var all group
		var vs []uint16
		for v := range e.deprecated {
			vs = append(vs, v)
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
		var parts, lits []string
		sev := finding.Medium
		for _, v := range vs {
			g := e.deprecated[v]
			parts = append(parts, VersionName(v)+": "+report.Count(g.frames.Count()))
			lits = append(lits, hex16(v))
			for _, f := range g.frames.List() {
				all.frames.Add(f)
			}
			for _, s := range g.subjects {
				all.subjects = appendSubject(all.subjects, s)
			}
			if v == 0x0300 {
				sev = finding.High
			}
		}
		n := 0
		for _, v := range vs {
			n += e.deprecated[v].frames.Count()
		}
		add(finding.Finding{
			Kind: "tls.deprecated_version", Severity: sev, Count: n,
			Summary: report.Plural(n, "TLS handshake", "TLS handshakes") + " negotiated a deprecated protocol version (" + strings.Join(parts, ", ") + ").",
			Filter:  finding.In("tls.handshake.type == 2 && tls.handshake.version", lits),
		}, &all)
	}
	if len(e.weak) > 0 {
		var cs []uint16
		for c := range e.weak {
			cs = append(cs, c)
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
		var all group
		var parts, lits []string
		sev := finding.Medium
		n := 0
		for _, c := range cs {
			g := e.weak[c]
			why, severe := cipherWeakness(c)
			if severe {
				sev = finding.High
			}
			parts = append(parts, CipherName(c)+" ("+why+")")
			lits = append(lits, hex16(c))
			n += g.frames.Count()
			for _, f := range g.frames.List() {
				all.frames.Add(f)
			}
			for _, s := range g.subjects {
				all.subjects = appendSubject(all.subjects, s)
			}
		}
		add(finding.Finding{
			Kind: "tls.weak_cipher", Severity: sev, Count: n,
			Summary: report.Plural(n, "TLS handshake", "TLS handshakes") + " chose a weak cipher suite: " + strings.Join(parts, ", ") + ".",
			Filter:  finding.In("tls.handshake.type == 2 && tls.handshake.ciphersuite", lits),
		}, &all)
	}
	certFinding := func(g *group, kind string, sev finding.Severity, what string) {
		if g.frames.Count() == 0 {
			return
		}
		n := g.frames.Count()
		f := finding.Finding{
			Kind: kind, Severity: sev,
			Summary: report.Plural(n, "server certificate", "server certificates") + " " + what + ": " + strings.Join(g.subjects, ", ") + ".",
		}
		if whole {
			f.Filter = g.streamFilter(hsCertificate)
		}
		add(f, g)
	}
	certFinding(&e.expired, "tls.expired_certificate", finding.Medium, "had expired when sent")
	certFinding(&e.notYet, "tls.certificate_not_yet_valid", finding.Medium, "were not yet valid when sent")
	if e.notYet.frames.Count() == 1 {
		out[len(out)-1].Summary = strings.Replace(out[len(out)-1].Summary, "were not yet valid", "was not yet valid", 1)
	}
	certFinding(&e.selfSigned, "tls.self_signed_certificate", finding.Low, selfSignedWhat(e.selfSigned.frames.Count()))
	certFinding(&e.mismatch, "tls.certificate_name_mismatch", finding.Medium, mismatchWhat(e.mismatch.frames.Count()))
	if n := e.noSNI.Count(); n > 0 {
		out = append(out, finding.Normalize(finding.Finding{
			Kind: "tls.no_sni", Severity: finding.Info, Tool: "tls", Count: n, Frames: e.noSNI.List(),
			Summary: report.Plural(n, "ClientHello carries", "ClientHellos carry") + " no server name (SNI).",
			Filter:  "tls.handshake.type == 1 && !tls.handshake.extensions_server_name",
		}))
	}
	var descs []int
	for d := range e.alerts {
		descs = append(descs, int(d))
	}
	sort.Ints(descs)
	for _, d := range descs {
		g := e.alerts[byte(d)]
		n := g.frames.Count()
		name := AlertName(byte(d))
		sev := finding.Low
		switch {
		case g.fatal > 0:
			sev = finding.Medium
		case d == 0:
			sev = finding.Info
		}
		kind := "fatal"
		if g.fatal == 0 {
			kind = "warning"
		} else if g.fatal < n {
			kind = "fatal or warning"
		}
		add(finding.Finding{
			Kind: "tls.alert_" + name, Severity: sev,
			Summary: report.Plural(n, "TLS alert", "TLS alerts") + " \"" + strings.ReplaceAll(name, "_", " ") + "\" (" + kind + ") in " + report.Plural(len(g.tcp)+len(g.udp), "connection", "connections") + ".",
			Filter:  "tls.alert_message.desc == " + strconv.Itoa(d),
		}, g)
	}
	finding.Rank(out)
	return out
}

func selfSignedWhat(n int) string {
	if n == 1 {
		return "is self-signed"
	}
	return "are self-signed"
}

func mismatchWhat(n int) string {
	if n == 1 {
		return "does not cover the server name asked"
	}
	return "do not cover the server name asked"
}

func appendSubject(s []string, v string) []string {
	if len(s) >= finding.MaxSubjects {
		return s
	}
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
