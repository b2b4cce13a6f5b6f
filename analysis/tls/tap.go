// Package tls is the TLS analyzer: it reads the handshakes of TLS over
// TCP (any port, recognised by content, and after STARTTLS on the mail,
// FTP and XMPP ports) and of QUIC (its Initial packets decrypted with the
// keys RFC 9001 derives from the client's connection ID, as Wireshark
// does without a key file): ClientHello and ServerHello (server name,
// offered and chosen versions, cipher suites, ALPN, key-share groups,
// session resumption), JA3 and JA3S as Wireshark 4.0 computes them, JA4
// (FoxIO's TLS client fingerprint), the certificates of TLS ≤ 1.2
// handshakes and plaintext alerts. TCP payload comes in order from
// analysis/tcpstream.
package tls

import (
	"bytes"
	"net/netip"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
	"pcaplens/analysis/tcpstream"
)

func init() {
	engine.Register(engine.Factory{Name: "tls", Tools: []string{"tls"}, Reports: map[string]any{"tls": Report{}}, New: New,
		Descriptions: map[string]string{"tls": "TLS and QUIC handshakes: per connection the server name (SNI), offered and chosen versions and cipher suites, ALPN, key-share groups, session resumption, JA3, JA3S and JA4 fingerprints and the certificate chain (TLS 1.2 and earlier); counts by server name, fingerprint, version, cipher suite and ALPN; findings such as deprecated versions, weak cipher suites, expired, self-signed or mismatched certificates and alerts."}})
}

// Caps on what an attacker can grow; hitting one is said in the report.
const (
	maxRows       = 100000 // connections listed
	maxKeys       = 10000  // distinct keys per statistic
	maxCerts      = 10000  // distinct certificates parsed
	maxChain      = 16     // certificates kept per Certificate message
	maxAlerts     = 32     // alerts listed per connection
	maxQUIC       = 1 << 16
	maxScan       = 64 << 10 // bytes of a direction looked at for a TLS start
	minQUICClient = 1200     // a client's Initial datagram is at least this long (RFC 9000 §14.1)
)

const (
	capRows  = "connections"
	capKeys  = "statistics keys"
	capCerts = "certificates"
	capQUIC  = "QUIC connections"
)

// tlsPorts are ports Wireshark 4.0 reads as TLS whatever the bytes: HTTPS,
// SMTPS, LDAPS, DNS over TLS, FTPS, IMAPS, POP3S, SIPS, MQTT over TLS. A
// connection there is read from its first segment that begins a record
// (a capture started in the middle of one still shows its records).
var tlsPorts = [...]uint16{443, 465, 636, 853, 989, 990, 993, 995, 5061, 8883}

func onTLSPort(f *frame.Frame) bool { return onTLSPortPair(f.SrcPort, f.DstPort) }

func onTLSPortPair(a, b uint16) bool {
	for _, p := range tlsPorts {
		if a == p || b == p {
			return true
		}
	}
	return false
}

// startTLSPorts are ports where TLS starts after a plaintext exchange
// (STARTTLS): SMTP, submission, POP3, IMAP, FTP, XMPP, LDAP. A connection
// that begins with an HTTP CONNECT request (a proxy tunnel) is read too.
var startTLSPorts = [...]uint16{21, 25, 110, 143, 389, 587, 5222}

// Tap is the TLS analyzer.
type Tap struct {
	opts    *engine.Options
	re      tcpstream.Reader
	tcp     map[int]*conn // by tcp.stream, while the stream lasts, once a direction started as TLS
	quic    map[int]*conn // by udp.stream
	conns   []*conn       // every connection with a hello, in order of first hello
	hello   Hello         // scratch
	scratch []byte        // a QUIC packet being decrypted

	curFrame int
	curNs    int64
	// fv collects the display-filter fields of the current frame (Dissector).
	fv *FrameValues

	connsTotal int

	// scans are the bytes of each direction looked at so far for a TLS
	// start, for the TCP streams without a conn: a conn (about 1 KB) is
	// made once a direction starts as TLS. Made for every stream with data,
	// conns of streams that never did took the heap of TLS alone over
	// real-2m from 163 to 187 MB.
	scans map[int][2]int32

	stats    Statistics
	certs    map[string]*certEntry
	certList []*certEntry
	io       *report.Grid[bucket]
	caps     report.Caps
	ev       evidence
}

type bucket struct{ hellos, alerts int }

func mergeBucket(into, from *bucket) {
	into.hellos += from.hellos
	into.alerts += from.alerts
}

// certEntry is a certificate seen, with where.
type certEntry struct {
	cert    *Certificate
	streams []int // the connections' rows that sent it
}

// conn is one TLS connection (TCP) or QUIC connection.
type conn struct {
	t       *Tap
	quic    bool
	stream  int
	client  netip.AddrPort
	server  netip.AddrPort
	dir     [2]direction
	started [2]bool
	scanned [2]int32
	cur     int // the direction being read
	listed  bool
	tlsPort bool // on one of tlsPorts: any record may start a direction

	// QUIC.
	dcid   []byte
	keys   [2]*quicKeys
	crypto [2]cryptoStream

	row Connection
	// What the findings need.
	chSessionID  []byte
	leafCert     *Certificate
	tls13        bool
	sawCH, sawSH bool
}

// New returns a TLS tap.
func New(o *engine.Options) engine.Tap {
	t := &Tap{
		opts:  o,
		tcp:   map[int]*conn{},
		scans: map[int][2]int32{},
		quic:  map[int]*conn{},
		certs: map[string]*certEntry{},
		io:    report.NewGrid(mergeBucket),
	}
	t.re.Own(tcpstream.Limits{}, t)
	t.stats.init()
	return t
}

// Packet reads one frame.
func (t *Tap) Packet(f *frame.Frame) {
	switch f.Transport {
	case frame.TransportTCP:
		t.re.Packet(f)
	case frame.TransportUDP:
		if p := f.Payload; len(p) >= 7 && p[0]&0xc0 == 0xc0 {
			t.quicDatagram(f)
		}
	}
}

// ShareTCP reads the TCP connections through the run's Reassembler
// (engine.TCPReader): its calls for a frame come before Packet's.
func (t *Tap) ShareTCP(add func(h tcpstream.Handler) *tcpstream.Consumer) {
	t.re.Share(add, t)
}

var _ engine.TCPReader = (*Tap)(nil)

// Accept takes a TCP connection whose first data looks like a TLS
// handshake record, or that runs on a STARTTLS port.
func (t *Tap) Accept(f *frame.Frame) bool {
	if LooksLikeTLS(f.Payload) || bytes.HasPrefix(f.Payload, []byte("CONNECT ")) || onTLSPort(f) {
		return true
	}
	for _, p := range startTLSPorts {
		if f.SrcPort == p || f.DstPort == p {
			return true
		}
	}
	return false
}

// Data reads a TCP direction's bytes in order.
func (t *Tap) Data(s *tcpstream.Segment) {
	c := t.tcp[s.Stream]
	if c == nil {
		sc := t.scans[s.Stream]
		before := sc[s.Dir]
		tlsPort := onTLSPortPair(s.Src.Port(), s.Dst.Port())
		if !startsTLS(&sc[s.Dir], s.Data, tlsPort) {
			if sc[s.Dir] != before {
				t.scans[s.Stream] = sc
			}
			return
		}
		delete(t.scans, s.Stream)
		c = &conn{t: t, stream: s.Stream, tlsPort: tlsPort, scanned: sc}
		c.started[s.Dir] = true
		if s.Dir == 0 {
			c.client, c.server = s.Src, s.Dst
		} else {
			c.client, c.server = s.Dst, s.Src
		}
		t.tcp[s.Stream] = c
	}
	d := &c.dir[s.Dir]
	if d.bad || d.encrypted && c.dir[1-s.Dir].encrypted && t.fv == nil {
		return // nothing more can be read (display filters still count the records)
	}
	if !c.started[s.Dir] {
		if !startsTLS(&c.scanned[s.Dir], s.Data, c.tlsPort) {
			return
		}
		c.started[s.Dir] = true
	}
	t.curFrame, t.curNs = s.Frame, s.TimeNs
	c.cur = s.Dir
	starts := d.starts
	d.feed(s.Data, c)
	if t.fv != nil && d.starts != starts {
		t.fv.Present = true // tshark shows tls where a record begins, too
	}
}

// startsTLS tells whether a direction's segment data starts TLS, counting
// it in the direction's scanned bytes: once maxScan of them were looked at,
// nothing more is.
func startsTLS(scanned *int32, data []byte, tlsPort bool) bool {
	if *scanned >= maxScan {
		return false
	}
	*scanned += int32(min(len(data), maxScan))
	return LooksLikeTLS(data) || tlsPort && plausibleRecord(data)
}

// Gap drops a direction's partial record: reading resumes at the next
// segment that begins a handshake record.
func (t *Tap) Gap(s *tcpstream.Segment) {
	c := t.tcp[s.Stream]
	if c == nil {
		return
	}
	d := &c.dir[s.Dir]
	d.nhdr, d.need, d.body, d.hs, d.hsSkip, d.bad = 0, 0, d.body[:0], d.hs[:0], 0, false
	c.started[s.Dir] = false
}

// End forgets a finished TCP connection's parsing state.
func (t *Tap) End(stream int) {
	if c := t.tcp[stream]; c != nil {
		c.dir = [2]direction{}
		delete(t.tcp, stream)
	}
	delete(t.scans, stream)
}

// quicDatagram reads the Initial packets of a UDP datagram that begins
// with a QUIC long header (several packets may be coalesced, RFC 9000 §12.2).
func (t *Tap) quicDatagram(f *frame.Frame) {
	if f.UDPStream < 0 {
		return
	}
	p := f.Payload
	for len(p) > 0 {
		h, initial, ok := parseLongHeader(p)
		if !ok {
			return
		}
		if initial {
			t.quicInitial(f, p[:h.end], h)
		}
		p = p[h.end:]
	}
}

func (t *Tap) quicInitial(f *frame.Frame, pkt []byte, h initialHeader) {
	src := netip.AddrPortFrom(f.SrcIP, f.SrcPort)
	c := t.quic[f.UDPStream]
	if c == nil {
		if int(f.UDP.Length)-8 < minQUICClient {
			return // not a client's first Initial
		}
		if len(t.quic) >= maxQUIC {
			t.caps.Hit(capQUIC, maxQUIC)
			return
		}
		c = &conn{t: t, quic: true, stream: f.UDPStream, client: src, server: netip.AddrPortFrom(f.DstIP, f.DstPort)}
		t.quic[f.UDPStream] = c
	}
	if c.sawCH && c.sawSH {
		return // the hellos are read: nothing more to decrypt
	}
	dir := 1
	if src == c.client {
		dir = 0
		if c.keys[0] == nil || string(c.dcid) != string(h.dcid) {
			c.dcid = append(c.dcid[:0], h.dcid...)
			cs, ss := initialSecrets(h.version, h.dcid)
			c.keys[0], c.keys[1] = newQUICKeys(h.version, cs), newQUICKeys(h.version, ss)
		}
	}
	k := c.keys[dir]
	if k == nil || h.cut {
		return
	}
	t.scratch = append(t.scratch[:0], pkt...)
	payload, ok := openInitial(k, t.scratch, h)
	if !ok {
		return
	}
	t.curFrame, t.curNs = f.Number, f.TimeNs
	c.cur = dir
	cryptoFrames(payload, func(off uint64, data []byte) {
		c.crypto[dir].add(off, data, func(b []byte) { c.dir[dir].handshakeBytes(b, c) })
	})
	if c.sawCH && c.sawSH {
		// Both hellos are read and later Initials are not decrypted (above):
		// the keys (two AES ciphers a direction) and the CRYPTO bytes held
		// are let go (TLS alone over real-2m: 17 MB of the live heap).
		c.keys, c.crypto, c.dcid, c.dir = [2]*quicKeys{}, [2]cryptoStream{}, nil, [2]direction{}
	}
}

// record is part of recordSink.
func (c *conn) record(ctype byte, version uint16, length int) {
	if fv := c.t.fv; fv != nil && !c.quic {
		fv.Present = true
		fv.RecordVersions = append(fv.RecordVersions, version)
	}
}

// changeCipherSpec is part of recordSink: in TLS 1.3 (a ServerHello or
// HelloRetryRequest chose it) encryption starts at the ServerHello
// instead.
func (c *conn) changeCipherSpec() bool { return !c.tls13 }

// alert is part of recordSink.
func (c *conn) alert(level, desc byte) {
	t := c.t
	if fv := t.fv; fv != nil {
		fv.AlertDescs = append(fv.AlertDescs, desc)
	}
	t.stats.bump(t, t.stats.Alerts, AlertName(desc))
	t.io.At(t.curNs).alerts++
	from := "client"
	if c.cur == 1 {
		from = "server"
	}
	c.list()
	if len(c.row.Alerts) < maxAlerts {
		c.row.Alerts = append(c.row.Alerts, Alert{Frame: t.curFrame, From: from, Level: alertLevel(level), Description: AlertName(desc)})
	}
	t.ev.alert(c, level, desc, t.curFrame)
}

func alertLevel(l byte) string {
	switch l {
	case 1:
		return "warning"
	case 2:
		return "fatal"
	}
	return "unknown"
}

// list makes the connection a row of the report (at its first hello or alert).
func (c *conn) list() {
	if c.listed {
		return
	}
	c.listed = true
	t := c.t
	t.connsTotal++
	if len(t.conns) >= maxRows {
		t.caps.Hit(capRows, maxRows)
		return
	}
	c.row.Transport = "tcp"
	if c.quic {
		c.row.Transport = "quic"
	}
	c.row.Stream = c.stream
	c.row.Client, c.row.ClientPort = c.client.Addr().String(), c.client.Port()
	c.row.Server, c.row.ServerPort = c.server.Addr().String(), c.server.Port()
	c.row.FirstFrame = t.curFrame
	c.row.Timestamp = float64(t.curNs) / 1e9
	c.row.Time = report.Time(t.curNs)
	c.row.timeNs = t.curNs
	c.row.Alerts = []Alert{}
	c.row.Certificates = []string{}
	t.conns = append(t.conns, c)
}

// handshake is part of recordSink: one whole plaintext handshake message.
func (c *conn) handshake(typ byte, body []byte) {
	t := c.t
	if fv := t.fv; fv != nil {
		fv.Present = true
		fv.HandshakeTypes = append(fv.HandshakeTypes, typ)
	}
	t.stats.bump(t, t.stats.HandshakeTypes, HandshakeName(typ))
	switch typ {
	case hsClientHello:
		c.clientHello(body)
	case hsServerHello:
		c.serverHello(body)
	case hsCertificate:
		if !c.tls13 {
			c.certificate(body)
		}
	}
}

func (c *conn) clientHello(body []byte) {
	t := c.t
	h := &t.hello
	if err := ParseHello(body, true, h); err != nil {
		t.stats.Malformed++
		return
	}
	c.list()
	t.stats.ClientHellos++
	if c.quic {
		t.stats.QUICClientHellos++
	}
	t.io.At(t.curNs).hellos++
	for _, n := range h.ServerNames {
		t.stats.bump(t, t.stats.ServerNames, n)
	}
	for _, p := range h.ALPN {
		t.stats.bump(t, t.stats.ALPN, p)
	}
	_, ja3 := JA3(h)
	ja4 := JA4(h, c.quic)
	if fv := t.fv; fv != nil {
		fv.HandshakeVersions = append(fv.HandshakeVersions, h.Version)
		fv.CipherSuites = append(fv.CipherSuites, h.Ciphers...)
		fv.ServerNames = append(fv.ServerNames, h.ServerNames...)
		fv.JA3 = append(fv.JA3, ja3)
		fv.JA4 = append(fv.JA4, ja4)
	}
	t.stats.bump(t, t.stats.JA3, ja3)
	t.stats.bump(t, t.stats.JA4, ja4)
	if len(h.ServerNames) == 0 {
		t.ev.noSNI.Add(t.curFrame)
	}
	if c.sawCH {
		return // a second ClientHello (after a HelloRetryRequest): the row keeps the first
	}
	c.sawCH = true
	r := &c.row
	r.ClientHelloFrame = t.curFrame
	r.chNs = t.curNs
	if len(h.ServerNames) > 0 {
		r.SNI = h.ServerNames[0]
	}
	r.OfferedVersions = versionNames(h)
	r.OfferedCiphers = len(withoutGREASE(h.Ciphers))
	r.ALPNOffered = append([]string{}, h.ALPN...)
	r.KeyShareGroups = groupList(h.KeyShares)
	r.JA3 = ja3
	r.JA4 = ja4
	c.chSessionID = append([]byte(nil), h.SessionID[:min(h.SessionIDLen, 32)]...)
	r.SessionTicket = h.SessionTicket
	r.PSK = h.PSK
}

func (c *conn) serverHello(body []byte) {
	t := c.t
	h := &t.hello
	if err := ParseHello(body, false, h); err != nil {
		t.stats.Malformed++
		return
	}
	c.list()
	t.stats.ServerHellos++
	_, ja3s := JA3S(h)
	if fv := t.fv; fv != nil {
		fv.HandshakeVersions = append(fv.HandshakeVersions, h.Version)
		fv.CipherSuites = append(fv.CipherSuites, h.Ciphers...)
		fv.JA3S = append(fv.JA3S, ja3s)
	}
	t.stats.bump(t, t.stats.JA3S, ja3s)
	if h.IsRetry() {
		c.tls13 = true
		t.stats.HelloRetryRequests++
		c.row.HelloRetry = true
		return
	}
	v := h.Selected()
	t.stats.bump(t, t.stats.Versions, VersionName(v))
	t.stats.bump(t, t.stats.CipherSuites, CipherName(h.Ciphers[0]))
	for _, p := range h.ALPN {
		t.stats.bump(t, t.stats.ALPNChosen, p)
	}
	if v == 0x0304 {
		c.tls13 = true
		if !c.quic {
			// Everything after the ServerHello is encrypted (RFC 8446 §2).
			c.dir[0].encrypted, c.dir[1].encrypted = true, true
		}
	}
	if c.sawSH {
		return
	}
	c.sawSH = true
	r := &c.row
	r.ServerHelloFrame = t.curFrame
	if r.ClientHelloFrame > 0 {
		d := float64(t.curNs-r.chNs) / 1e9
		r.HandshakeTime = &d
	}
	r.Version = VersionName(v)
	r.Cipher = CipherName(h.Ciphers[0])
	if len(h.ALPN) > 0 {
		r.ALPN = h.ALPN[0]
	}
	if len(h.KeyShares) > 0 {
		r.KeyShareGroup = GroupName(h.KeyShares[0])
	}
	r.JA3S = ja3s
	sid := h.SessionID[:min(h.SessionIDLen, 32)]
	r.Resumed = h.PSK || v != 0x0304 && len(sid) > 0 && string(sid) == string(c.chSessionID)
	if r.Resumed {
		t.stats.Resumed++
	}
	t.ev.serverHello(c, v, h.Ciphers[0], t.curFrame)
}

func (c *conn) certificate(body []byte) {
	t := c.t
	ders, _ := ParseCertificateList(body, maxChain)
	if len(ders) == 0 {
		return
	}
	c.list()
	t.stats.CertificateMessages++
	first := len(c.row.Certificates) == 0
	for i, der := range ders {
		e := t.cert(der)
		if e == nil {
			continue
		}
		if first {
			c.row.Certificates = append(c.row.Certificates, e.cert.SHA256)
			if i == 0 {
				c.row.CertificateFrame = t.curFrame
				c.leafCert = e.cert
			}
		}
		if len(e.streams) < finding.MaxSubjects*100 {
			e.streams = append(e.streams, c.stream)
		}
	}
	if first && c.leafCert != nil && c.cur == 1 {
		t.ev.leaf(c, c.leafCert, t.curFrame, t.curNs)
	}
}

// cert returns the entry of a DER certificate, parsing it the first time.
func (t *Tap) cert(der []byte) *certEntry {
	sum := sha256sum(der)
	if e := t.certs[sum]; e != nil {
		return e
	}
	if len(t.certs) >= maxCerts {
		t.caps.Hit(capCerts, maxCerts)
		return nil
	}
	e := &certEntry{cert: parseCertificate(der)}
	t.certs[sum] = e
	t.certList = append(t.certList, e)
	return e
}

func versionNames(h *Hello) []string {
	out := []string{}
	vs := h.Versions
	if len(vs) == 0 {
		vs = []uint16{h.Version}
	}
	for _, v := range vs {
		if !IsGREASE(v) {
			out = append(out, VersionName(v))
		}
	}
	return out
}

func groupList(gs []uint16) []string {
	out := []string{}
	for _, g := range gs {
		if !IsGREASE(g) {
			out = append(out, GroupName(g))
		}
	}
	return out
}
