#!/usr/bin/env python3
"""make-capinfos-edges.py: writes two captures of figures capinfos 4.0
computes in its own way (their expectations: testdata/tshark/capinfos.sh).

captures/pcaplens-far-times.pcap
    three Ethernet frames (zero bytes) at 100 s, 4 s and 2,521,431,551 s
    (2049, beyond the 32-bit signed range): capinfos orders times by their
    difference in seconds truncated to 32 bits, so the last one counts as the
    earliest and 100 s as the latest.

captures/pcaplens-pseudo-headers.pcapng
    a 100-byte record (200 on the wire) on SunATM (link type 123), whose
    4-byte pseudo-header wiretap strips and does not count in the packet's
    lengths, and one on Ethernet, which keeps them. (The other link types
    with such a pseudo-header, measured the same way with capinfos 4.0.17:
    MTP2 with pseudo-header 139 (4 bytes), IrDA 144 (16), Linux LAPD 177
    (16), SITA 196 (5), Bluetooth H4 with pseudo-header 201 (4), PPP with
    direction 204 (1), Linux I2C 209 (5), NFC LLCP 245 (2), Bluetooth Linux
    monitor 254 (4); pcaplens does not name those link types yet, so they
    are left out of the capture.)

Run from anywhere: python3 testdata/make-capinfos-edges.py
"""
import os
import struct

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "captures")

with open(os.path.join(here, "pcaplens-far-times.pcap"), "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for sec in (100, 4, 2521431551):
        f.write(struct.pack("<IIII", sec, 5, 60, 60) + bytes(60))


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


records = [(123, b""), (1, b"")]
with open(os.path.join(here, "pcaplens-pseudo-headers.pcapng"), "wb") as f:
    f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
    for lt, _ in records:
        f.write(block(1, struct.pack("<HHI", lt, 0, 65535)))
    for i, (_, head) in enumerate(records):
        data = head + bytes(100 - len(head))
        ts = (1_700_000_000 + 2 * i) * 1_000_000
        f.write(block(6, struct.pack("<IIIII", i, ts >> 32, ts & 0xFFFFFFFF, 100, 200) + data))
print(here)
