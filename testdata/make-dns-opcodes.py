#!/usr/bin/env python3
"""make-dns-opcodes.py: writes testdata/captures/pcaplens-dns-opcodes.pcap,
DNS messages of the opcodes and answers tshark 4.0 matches in its own way:

  1-2   UPDATE (opcode 5, RFC 2136) and its response, 20 ms later
  3-4   IQUERY (opcode 1, RFC 1035; no question, one answer) and its NOTIMP
        response, 10 ms later
  5-6   NOTIFY (opcode 4, RFC 1996) and its response
  7-9   a standard query answered twice (the second response retransmitted)
  10-11 a standard query answered BADVERS (header RCODE 0, OPT extended RCODE 1)
  12-13 a query and its response whose opcode differs (STATUS, opcode 2)
  14-16 a query, its retransmission 1 s later and the response (tshark: the
        retransmission gets no dns.response_in)
  17-18 an UPDATE with a prerequisite and deletes whose data is empty (RFC 2136
        section 2.5, class ANY and NONE) and its response
  19-24 responses whose A record has no data, whose A record has 5 bytes (both
        fine for tshark: timed) and whose AAAA record has 4 (malformed: untimed)

Run from anywhere: python3 testdata/make-dns-opcodes.py; tshark's figures
are then recorded by testdata/tshark/dns.sh like every other capture's.
"""
import os
import struct

CLIENT, SERVER = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 53])
MAC_C, MAC_S = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_frame(src, dst, sport, dport, payload, smac, dmac, ident):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + smac + b"\x08\x00" + ip + udp


def name(n):
    out = b""
    for label in n.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(ident, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def question(n, typ, cls=1):
    return name(n) + struct.pack("!HH", typ, cls)


def rr(n, typ, cls, ttl, data):
    return name(n) + struct.pack("!HHIH", typ, cls, ttl, len(data)) + data


def opt(ext_rcode=0, size=1232):
    return b"\0" + struct.pack("!HHBBHH", 41, size, ext_rcode, 0, 0, 0)


def flags(qr, opcode, rcode=0, rd=False, ra=False):
    return qr << 15 | opcode << 11 | (0x100 if rd else 0) | (0x80 if ra else 0) | rcode


A = bytes([192, 0, 2, 80])
msgs = [
    # t (ms), from client?, source port, payload
    (0, True, 40001, header(0x1111, flags(0, 5), qd=1, ns=1) + question("example.com", 6)
     + rr("www.example.com", 1, 1, 300, A)),
    (20, False, 40001, header(0x1111, flags(1, 5)) + b""),
    (100, True, 40002, header(0x2222, flags(0, 1), an=1) + rr("", 1, 1, 0, A)),
    (110, False, 40002, header(0x2222, flags(1, 1, rcode=4), an=1) + rr("", 1, 1, 0, A)),
    (200, True, 40003, header(0x3333, flags(0, 4), qd=1) + question("example.com", 6)),
    (230, False, 40003, header(0x3333, flags(1, 4), qd=1) + question("example.com", 6)),
    (300, True, 40004, header(0x4444, flags(0, 0, rd=True), qd=1) + question("www.example.com", 1)),
    (340, False, 40004, header(0x4444, flags(1, 0, rd=True, ra=True), qd=1, an=1)
     + question("www.example.com", 1) + rr("www.example.com", 1, 1, 300, A)),
    (390, False, 40004, header(0x4444, flags(1, 0, rd=True, ra=True), qd=1, an=1)
     + question("www.example.com", 1) + rr("www.example.com", 1, 1, 300, A)),
    (500, True, 40005, header(0x5555, flags(0, 0, rd=True), qd=1, ar=1) + question("example.org", 1) + opt()),
    (520, False, 40005, header(0x5555, flags(1, 0, rd=True, ra=True), qd=1, ar=1)
     + question("example.org", 1) + opt(ext_rcode=1)),
    (600, True, 40006, header(0x6666, flags(0, 2), qd=1) + question("example.net", 1)),
    (615, False, 40006, header(0x6666, flags(1, 0, rcode=4), qd=1) + question("example.net", 1)),
    (700, True, 40007, header(0x7777, flags(0, 0, rd=True), qd=1) + question("slow.example", 1)),
    (1700, True, 40007, header(0x7777, flags(0, 0, rd=True), qd=1) + question("slow.example", 1)),
    (1720, False, 40007, header(0x7777, flags(1, 0, rd=True, ra=True), qd=1, an=1)
     + question("slow.example", 1) + rr("slow.example", 1, 1, 300, A)),
    (2000, True, 40008, header(0x8888, flags(0, 5), qd=1, an=1, ns=3) + question("example.com", 6)
     + rr("www.example.com", 255, 255, 0, b"") + rr("www.example.com", 1, 255, 0, b"")
     + rr("old.example.com", 1, 254, 0, A) + rr("new.example.com", 1, 1, 300, A)),
    (2010, False, 40008, header(0x8888, flags(1, 5)) + b""),
    (2100, True, 40009, header(0x9999, flags(0, 0), qd=1) + question("x.example", 1)),
    (2105, False, 40009, header(0x9999, flags(1, 0), qd=1, an=1) + question("x.example", 1) + rr("x.example", 1, 1, 0, b"")),
    (2200, True, 40010, header(0xAAAA, flags(0, 0), qd=1) + question("y.example", 1)),
    (2205, False, 40010, header(0xAAAA, flags(1, 0), qd=1, an=1) + question("y.example", 1) + rr("y.example", 1, 1, 0, b"12345")),
    (2300, True, 40011, header(0xBBBB, flags(0, 0), qd=1) + question("z.example", 28)),
    (2305, False, 40011, header(0xBBBB, flags(1, 0), qd=1, an=1) + question("z.example", 28) + rr("z.example", 28, 1, 0, b"1234")),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "captures", "pcaplens-dns-opcodes.pcap")
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    base = 1_700_000_000
    for i, (ms, from_client, port, payload) in enumerate(msgs):
        if from_client:
            fr = udp_frame(CLIENT, SERVER, port, 53, payload, MAC_C, MAC_S, 0x100 + i)
        else:
            fr = udp_frame(SERVER, CLIENT, 53, port, payload, MAC_S, MAC_C, 0x100 + i)
        f.write(struct.pack("<IIII", base + ms // 1000, ms % 1000 * 1000, len(fr), len(fr)) + fr)
print(out)
