package dns

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Fields is a decoded record for reports: name, type, class, ttl, data
// (presentation form, as in a zone file) and the type's own fields.
type Fields map[string]any

// typeValues and classValues hold the names of the known types and of
// classes 0-255 as Fields values made once, so that filling a record's
// Fields does not make a value of each anew.
var (
	typeValues = func() map[uint16]any {
		m := make(map[uint16]any, len(typeNames))
		for t := range typeNames {
			m[t] = TypeName(t)
		}
		return m
	}()
	classValues = func() (v [256]any) {
		for c := range v {
			v[c] = ClassName(uint16(c))
		}
		return v
	}()
)

// typeKeys are the known types' names in lower case, the Fields key of
// the name a record of the type holds (an MX record's "mx").
var typeKeys = func() map[uint16]string {
	m := make(map[uint16]string, len(typeNames))
	for t, n := range typeNames {
		m[t] = strings.ToLower(n)
	}
	return m
}()

// typeKey is type t's name in lower case.
func typeKey(t uint16) string {
	if k, ok := typeKeys[t]; ok {
		return k
	}
	return strings.ToLower(TypeName(t))
}

// maxNameValues bounds Message.values.
const maxNameValues = 1 << 16

// nameValue is the name b as a Fields value, made once per name when
// m.values is set.
func (m *Message) nameValue(b []byte) any {
	if m.values == nil {
		return string(b)
	}
	if v, ok := m.values[string(b)]; ok {
		return v
	}
	s := string(b)
	if len(m.values) < maxNameValues {
		m.values[s] = s
	}
	return s
}

// typeValue is TypeName(t) as a Fields value.
func typeValue(t uint16) any {
	if v, ok := typeValues[t]; ok {
		return v
	}
	return TypeName(t)
}

// classValue is ClassName(c) as a Fields value.
func classValue(c uint16) any {
	if c < uint16(len(classValues)) {
		return classValues[c]
	}
	return ClassName(c)
}

// Record decodes record i of the last parsed message into Fields. Record
// data that does not fit its type is reported in "error" with the bytes in
// hex; it never fails.
func (m *Message) Record(i int, mdns bool) Fields {
	return m.recordInto(i, mdns, Fields{})
}

// recordInto is Record into f (emptied first): a caller that reads one
// record after another through the same map allocates none per record.
func (m *Message) recordInto(i int, mdns bool, f Fields) Fields {
	clear(f)
	r := &m.RRs[i]
	f["name"] = m.nameValue(m.RRName(i))
	f["type"] = typeValue(r.Type)
	f["type_code"] = r.Type
	if r.Type == TypeOPT {
		m.optFields(r, f)
		return f
	}
	class := r.Class
	if mdns && class&0x8000 != 0 {
		// RFC 6762 §10.2: the top bit of an mDNS record's class is cache-flush.
		class &^= 0x8000
		f["cache_flush"] = true
	}
	f["class"] = classValue(class)
	f["ttl"] = r.TTL
	f["data"] = m.data(r, f)
	return f
}

// data decodes the data of record r (not OPT) into f and returns its
// presentation text, the record's "data": data that does not fit its
// type is reported in f's "error", its text then the bytes in hex.
func (m *Message) data(r *RR, f Fields) string {
	text, err := m.rdata(r, f)
	if err != "" {
		f["error"] = err
		text = unknownText(m.Data[r.RDOff : r.RDOff+r.RDLen])
	}
	return text
}

// QuestionFields decodes question i for reports.
func (m *Message) QuestionFields(i int, mdns bool) Fields {
	q := &m.Questions[i]
	f := Fields{"name": m.nameValue(m.QName(i)), "type": typeValue(q.Type), "type_code": q.Type}
	class := q.Class
	if mdns && class&0x8000 != 0 {
		// RFC 6762 §5.4: the top bit of an mDNS question's class asks for a unicast response.
		class &^= 0x8000
		f["unicast_response"] = true
	}
	f["class"] = classValue(class)
	return f
}

func unknownText(d []byte) string {
	// RFC 3597 §5: \# length hex.
	return `\# ` + strconv.Itoa(len(d)) + " " + hex.EncodeToString(d)
}

// rd reads record data with bounds checks; any short read sets bad.
type rd struct {
	b   []byte
	off int
	bad bool
}

func (r *rd) u8() uint8 {
	if r.off+1 > len(r.b) {
		r.bad = true
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *rd) u16() uint16 {
	if r.off+2 > len(r.b) {
		r.bad = true
		return 0
	}
	r.off += 2
	return binary.BigEndian.Uint16(r.b[r.off-2:])
}

func (r *rd) u32() uint32 {
	if r.off+4 > len(r.b) {
		r.bad = true
		return 0
	}
	r.off += 4
	return binary.BigEndian.Uint32(r.b[r.off-4:])
}

func (r *rd) bytes(n int) []byte {
	if n < 0 || r.off+n > len(r.b) {
		r.bad = true
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

func (r *rd) rest() []byte {
	if r.off > len(r.b) {
		r.bad = true
		return nil
	}
	b := r.b[r.off:]
	r.off = len(r.b)
	return b
}

// str reads a <character-string> (RFC 1035 §3.3).
func (r *rd) str() string {
	n := int(r.u8())
	return string(r.bytes(n))
}

// name reads a domain name inside record data; compression is followed in
// the whole message (RFC 1035 §4.1.4), as for owner names.
func (m *Message) nameAt(r *rd, base int) string {
	if r.bad {
		return ""
	}
	end, s, err := m.readName(base + r.off)
	if err != nil {
		r.bad = true
		return ""
	}
	r.off = end - base
	if r.off > len(r.b) {
		// The name ran past the record data into the rest of the message.
		r.bad = true
		r.off = len(r.b)
	}
	return string(m.span(s))
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			b.WriteByte('\\')
			b.WriteString(strconv.Itoa(int(c) + 1000)[1:])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func u(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

func rrTime(t uint32) string {
	// RFC 4034 §3.2: serial arithmetic on 32-bit seconds; shown as UTC.
	return time.Unix(int64(t), 0).UTC().Format(time.RFC3339)
}

var b32hex = base32.HexEncoding.WithPadding(base32.NoPadding)

// rdata decodes the record's data into f and returns its presentation
// text, or an error reason.
func (m *Message) rdata(rr *RR, f Fields) (string, string) {
	base := rr.RDOff
	r := &rd{b: m.Data[base : base+rr.RDLen]}
	var text string
	switch rr.Type {
	case TypeA, TypeAAAA:
		// Parse let through only empty data (an UPDATE's delete: no
		// address) or at least an address, read from the first bytes as
		// tshark reads it.
		b, n := r.rest(), 4
		if rr.Type == TypeAAAA {
			n = 16
		}
		if len(b) == 0 {
			break
		}
		a, _ := netip.AddrFromSlice(b[:min(n, len(b))])
		text = a.String()
		f["address"] = text
	case TypeNS, TypeMD, TypeMF, TypeCNAME, TypeMB, TypeMG, TypeMR, TypePTR, TypeDNAME:
		n := m.nameAt(r, base)
		f[typeKey(rr.Type)] = n
		text = n
	case TypeMX, TypeAFSDB, TypeRT, TypeKX: // preference + name
		p := r.u16()
		n := m.nameAt(r, base)
		f["preference"] = p
		f[typeKey(rr.Type)] = n
		text = u(uint32(p)) + " " + n
	case TypeSOA: // RFC 1035 §3.3.13
		mn := m.nameAt(r, base)
		rn := m.nameAt(r, base)
		serial, refresh, retry, expire, min := r.u32(), r.u32(), r.u32(), r.u32(), r.u32()
		f["mname"], f["rname"], f["serial"] = mn, rn, serial
		f["refresh"], f["retry"], f["expire"], f["minimum"] = refresh, retry, expire, min
		text = mn + " " + rn + " " + u(serial) + " " + u(refresh) + " " + u(retry) + " " + u(expire) + " " + u(min)
	case TypeTXT, TypeSPF:
		var ss, qs []string
		for r.off < len(r.b) && !r.bad {
			s := r.str()
			ss = append(ss, s)
			qs = append(qs, quote(s))
		}
		f["strings"] = ss
		text = strings.Join(qs, " ")
	case TypeHINFO:
		cpu, os := r.str(), r.str()
		f["cpu"], f["os"] = cpu, os
		text = quote(cpu) + " " + quote(os)
	case TypeSRV: // RFC 2782
		p, w, port := r.u16(), r.u16(), r.u16()
		t := m.nameAt(r, base)
		f["priority"], f["weight"], f["port"], f["target"] = p, w, port, t
		text = u(uint32(p)) + " " + u(uint32(w)) + " " + u(uint32(port)) + " " + t
	case TypeNAPTR: // RFC 3403 §4.1
		o, p := r.u16(), r.u16()
		fl, sv, re := r.str(), r.str(), r.str()
		rep := m.nameAt(r, base)
		f["order"], f["preference"], f["flags"], f["services"], f["regexp"], f["replacement"] = o, p, fl, sv, re, rep
		text = u(uint32(o)) + " " + u(uint32(p)) + " " + quote(fl) + " " + quote(sv) + " " + quote(re) + " " + rep
	case TypeCAA: // RFC 8659 §4.1
		fl := r.u8()
		tag := r.str()
		val := string(r.rest())
		f["flags"], f["tag"], f["value"] = fl, tag, val
		text = u(uint32(fl)) + " " + tag + " " + quote(val)
	case TypeURI: // RFC 7553
		p, w := r.u16(), r.u16()
		t := string(r.rest())
		f["priority"], f["weight"], f["target"] = p, w, t
		text = u(uint32(p)) + " " + u(uint32(w)) + " " + quote(t)
	case TypeDS, TypeCDS, TypeDLV: // RFC 4034 §5.1
		kt, alg, dt := r.u16(), r.u8(), r.u8()
		d := hex.EncodeToString(r.rest())
		f["key_tag"], f["algorithm"], f["digest_type"], f["digest"] = kt, alg, dt, d
		text = u(uint32(kt)) + " " + u(uint32(alg)) + " " + u(uint32(dt)) + " " + strings.ToUpper(d)
	case TypeDNSKEY, TypeCDNSKEY, TypeKEY: // RFC 4034 §2.1
		all := r.b
		fl, proto, alg := r.u16(), r.u8(), r.u8()
		key := r.rest()
		f["flags"], f["protocol"], f["algorithm"] = fl, proto, alg
		f["key_tag"] = keyTag(all)
		f["key_bytes"] = len(key)
		if fl&0x0101 == 0x0101 {
			f["sep"] = true
		}
		text = u(uint32(fl)) + " " + u(uint32(proto)) + " " + u(uint32(alg)) + " " + base64.StdEncoding.EncodeToString(key)
	case TypeRRSIG, TypeSIG: // RFC 4034 §3.1, signature summarised by its length
		tc, alg, labels := r.u16(), r.u8(), r.u8()
		ottl, exp, inc, kt := r.u32(), r.u32(), r.u32(), r.u16()
		signer := m.nameAt(r, base)
		sig := r.rest()
		f["type_covered"], f["algorithm"], f["labels"], f["original_ttl"] = TypeName(tc), alg, labels, ottl
		f["expiration"], f["inception"], f["key_tag"], f["signer"], f["signature_bytes"] = rrTime(exp), rrTime(inc), kt, signer, len(sig)
		text = TypeName(tc) + " " + u(uint32(alg)) + " " + u(uint32(labels)) + " " + u(ottl) + " " + rrTime(exp) + " " + rrTime(inc) + " " + u(uint32(kt)) + " " + signer
	case TypeNSEC: // RFC 4034 §4.1
		next := m.nameAt(r, base)
		types := typeBitmap(r)
		f["next"], f["types"] = next, types
		text = next + " " + strings.Join(types, " ")
	case TypeNSEC3: // RFC 5155 §3.2
		ha, fl, it := r.u8(), r.u8(), r.u16()
		salt := r.bytes(int(r.u8()))
		next := r.bytes(int(r.u8()))
		types := typeBitmap(r)
		s := hex.EncodeToString(salt)
		if s == "" {
			s = "-"
		}
		nh := b32hex.EncodeToString(next)
		f["hash_algorithm"], f["flags"], f["iterations"], f["salt"], f["next_hashed"], f["types"] = ha, fl, it, s, nh, types
		text = u(uint32(ha)) + " " + u(uint32(fl)) + " " + u(uint32(it)) + " " + s + " " + nh + " " + strings.Join(types, " ")
	case TypeNSEC3PARAM:
		ha, fl, it := r.u8(), r.u8(), r.u16()
		s := hex.EncodeToString(r.bytes(int(r.u8())))
		if s == "" {
			s = "-"
		}
		f["hash_algorithm"], f["flags"], f["iterations"], f["salt"] = ha, fl, it, s
		text = u(uint32(ha)) + " " + u(uint32(fl)) + " " + u(uint32(it)) + " " + s
	case TypeSSHFP: // RFC 4255
		alg, ft := r.u8(), r.u8()
		fp := hex.EncodeToString(r.rest())
		f["algorithm"], f["fingerprint_type"], f["fingerprint"] = alg, ft, fp
		text = u(uint32(alg)) + " " + u(uint32(ft)) + " " + fp
	case TypeTLSA, TypeSMIMEA: // RFC 6698
		us, sel, mt := r.u8(), r.u8(), r.u8()
		d := hex.EncodeToString(r.rest())
		f["usage"], f["selector"], f["matching_type"], f["certificate_data"] = us, sel, mt, d
		text = u(uint32(us)) + " " + u(uint32(sel)) + " " + u(uint32(mt)) + " " + d
	case TypeSVCB, TypeHTTPS: // RFC 9460 §2.2
		text = m.svcb(r, base, f)
	default:
		d := r.rest()
		f["rdata_hex"] = hex.EncodeToString(d)
		text = unknownText(d)
	}
	if r.bad {
		return "", "record data shorter than its type needs"
	}
	if r.off != len(r.b) {
		return "", "record data longer than its type needs"
	}
	return text, ""
}

// keyTag computes a DNSKEY's key tag (RFC 4034 appendix B).
func keyTag(rdata []byte) uint16 {
	var ac uint32
	for i, c := range rdata {
		if i&1 == 0 {
			ac += uint32(c) << 8
		} else {
			ac += uint32(c)
		}
	}
	ac += ac >> 16 & 0xffff
	return uint16(ac)
}

// typeBitmap reads an NSEC/NSEC3 type bitmap (RFC 4034 §4.1.2).
func typeBitmap(r *rd) []string {
	types := []string{}
	for r.off < len(r.b) && !r.bad {
		win := int(r.u8())
		n := int(r.u8())
		if n == 0 || n > 32 {
			r.bad = true
			break
		}
		bm := r.bytes(n)
		for i, c := range bm {
			for bit := 0; bit < 8; bit++ {
				if c&(0x80>>bit) != 0 {
					types = append(types, TypeName(uint16(win*256+i*8+bit)))
				}
			}
		}
	}
	return types
}

var svcKeys = map[uint16]string{0: "mandatory", 1: "alpn", 2: "no-default-alpn", 3: "port", 4: "ipv4hint", 5: "ech", 6: "ipv6hint", 7: "dohpath", 8: "ohttp"}

func svcKeyName(k uint16) string {
	if n, ok := svcKeys[k]; ok {
		return n
	}
	return "key" + strconv.Itoa(int(k))
}

// svcb decodes SVCB/HTTPS data: priority, target and parameters (RFC 9460 §2.2, §7).
func (m *Message) svcb(r *rd, base int, f Fields) string {
	prio := r.u16()
	target := m.nameAt(r, base)
	f["priority"], f["target"] = prio, target
	parts := []string{u(uint32(prio)), target}
	params := Fields{}
	for r.off < len(r.b) && !r.bad {
		k := r.u16()
		v := r.bytes(int(r.u16()))
		if r.bad {
			break
		}
		name := svcKeyName(k)
		var val any
		var txt string
		vr := &rd{b: v}
		switch k {
		case 0: // mandatory
			var ks []string
			for vr.off < len(v) && !vr.bad {
				ks = append(ks, svcKeyName(vr.u16()))
			}
			val, txt = ks, strings.Join(ks, ",")
		case 1: // alpn
			var ids []string
			for vr.off < len(v) && !vr.bad {
				ids = append(ids, vr.str())
			}
			val, txt = ids, strings.Join(ids, ",")
		case 2:
			val = true
		case 3:
			p := vr.u16()
			val, txt = p, u(uint32(p))
		case 4, 6:
			sz := 4
			if k == 6 {
				sz = 16
			}
			var as []string
			for vr.off < len(v) && !vr.bad {
				a, _ := netip.AddrFromSlice(vr.bytes(sz))
				as = append(as, a.String())
			}
			val, txt = as, strings.Join(as, ",")
		case 5:
			txt = base64.StdEncoding.EncodeToString(v)
			val, vr.off = txt, len(v)
		case 7:
			val, txt, vr.off = string(v), quote(string(v)), len(v)
		default:
			txt = hex.EncodeToString(v)
			val, vr.off = txt, len(v)
		}
		if vr.bad || vr.off != len(v) {
			r.bad = true
			break
		}
		params[name] = val
		if txt == "" {
			parts = append(parts, name)
		} else {
			parts = append(parts, name+"="+txt)
		}
	}
	if len(params) > 0 {
		f["params"] = params
	}
	return strings.Join(parts, " ")
}

// optFields decodes the OPT pseudo-record (RFC 6891 §6.1.2): UDP payload
// size, extended RCODE bits, version, DO bit and options, with client
// subnet (RFC 7871 §6) and cookies (RFC 7873 §4) decoded.
func (m *Message) optFields(rr *RR, f Fields) {
	f["udp_payload_size"] = rr.Class
	f["ext_rcode"] = uint8(rr.TTL >> 24)
	f["version"] = uint8(rr.TTL >> 16)
	f["do"] = rr.TTL&0x8000 != 0
	d := m.Data[rr.RDOff : rr.RDOff+rr.RDLen]
	opts := []Fields{}
	var txt []string
	for len(d) >= 4 {
		code := binary.BigEndian.Uint16(d)
		n := int(binary.BigEndian.Uint16(d[2:]))
		if 4+n > len(d) {
			f["error"] = "option runs past the record"
			break
		}
		v := d[4 : 4+n]
		d = d[4+n:]
		o := Fields{"code": code, "name": OptionName(code), "data": hex.EncodeToString(v)}
		switch code {
		case 8: // edns-client-subnet
			if s, ok := ecs(v); ok {
				o["subnet"] = s
				f["client_subnet"] = s
			}
		case 10: // COOKIE: 8-byte client cookie, 8..32-byte server cookie
			if n >= 8 {
				o["client"] = hex.EncodeToString(v[:8])
				f["cookie_client"] = o["client"]
				if n > 8 {
					o["server"] = hex.EncodeToString(v[8:])
					f["cookie_server"] = o["server"]
				}
			}
		}
		opts = append(opts, o)
		txt = append(txt, OptionName(code))
	}
	f["options"] = opts
	f["data"] = "udp=" + u(uint32(rr.Class)) + " version=" + u(rr.TTL>>16&0xff) + " do=" + strconv.FormatBool(rr.TTL&0x8000 != 0) + optText(txt)
}

func optText(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " options=" + strings.Join(names, ",")
}

// ecs decodes an edns-client-subnet option as "prefix/source/scope".
func ecs(v []byte) (string, bool) {
	if len(v) < 4 {
		return "", false
	}
	fam := binary.BigEndian.Uint16(v)
	src, scope := int(v[2]), int(v[3])
	addr := v[4:]
	var a netip.Addr
	switch fam {
	case 1:
		if len(addr) > 4 {
			return "", false
		}
		var b [4]byte
		copy(b[:], addr)
		a = netip.AddrFrom4(b)
	case 2:
		if len(addr) > 16 {
			return "", false
		}
		var b [16]byte
		copy(b[:], addr)
		a = netip.AddrFrom16(b)
	default:
		return "", false
	}
	return a.String() + "/" + strconv.Itoa(src) + "/" + strconv.Itoa(scope), true
}
