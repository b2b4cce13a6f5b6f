"""overview_parse.py: turn tshark's -z io,phs / conv / endpoints text into JSON.

Read by testdata/tshark/overview.sh. Byte counts in tshark's conversation
tables are printed with SI units ("405 kB"): they are kept as printed, and the
Go test prints ours the same way. Everything else is exact.
"""
import json
import re
import sys

name, version = sys.argv[1], sys.argv[2]
text = sys.stdin.read()
out = {"capture": name, "tshark": version, "phs": [],
       "conversations": {}, "endpoints": {}}

sections = re.split(r"^={10,}\s*$", text, flags=re.M)
kinds = {"IPv4": "ip", "IPv6": "ipv6", "TCP": "tcp", "UDP": "udp"}


def split_addr(s, ported):
    if not ported:
        return s, None
    i = s.rindex(":")
    return s[:i], int(s[i + 1:])


for sec in sections:
    lines = [l for l in sec.split("\n") if l.strip()]
    if not lines:
        continue
    head = lines[0].strip()
    m = re.match(r"^(IPv4|IPv6|TCP|UDP) (Conversations|Endpoints)$", head)
    if m:
        kind = kinds[m.group(1)]
        ported = kind in ("tcp", "udp")
        rows = []
        for l in lines[1:]:
            if l.startswith("Filter:") or l.lstrip().startswith("|"):
                continue
            if m.group(2) == "Conversations":
                c = re.match(r"^(\S+)\s+<->\s+(\S+)\s+(\d+) (\d+ \w+)\s+(\d+) (\d+ \w+)\s+(\d+) (\d+ \w+)\s+(\S+)\s+(\S+)\s*$", l)
                if not c:
                    raise SystemExit("cannot parse conversation line: %r" % l)
                a, ap = split_addr(c.group(1), ported)
                b, bp = split_addr(c.group(2), ported)
                row = {"a": a, "b": b}
                if ported:
                    row["port_a"], row["port_b"] = ap, bp
                row.update({
                    "frames_ba": int(c.group(3)), "bytes_ba": c.group(4),
                    "frames_ab": int(c.group(5)), "bytes_ab": c.group(6),
                    "frames": int(c.group(7)), "bytes": c.group(8),
                    "rel_start": c.group(9), "duration": c.group(10)})
                rows.append(row)
            else:
                f = l.split()
                if ported:
                    row = {"address": f[0], "port": int(f[1])}
                    f = f[2:]
                else:
                    row = {"address": f[0]}
                    f = f[1:]
                if len(f) != 6:
                    raise SystemExit("cannot parse endpoint line: %r" % l)
                row.update(dict(zip(["packets", "bytes", "tx_packets", "tx_bytes", "rx_packets", "rx_bytes"], map(int, f))))
                rows.append(row)
        out["conversations" if m.group(2) == "Conversations" else "endpoints"][kind] = rows
        continue
    if head == "Protocol Hierarchy Statistics":
        stack = []
        for l in lines[1:]:
            if l.startswith("Filter:"):
                continue
            p = re.match(r"^( *)(\S+)\s+frames:(\d+) bytes:(\d+)\s*$", l)
            if not p:
                raise SystemExit("cannot parse phs line: %r" % l)
            depth = len(p.group(1)) // 2
            del stack[depth:]
            stack.append(p.group(2))
            out["phs"].append({"path": ":".join(stack), "frames": int(p.group(3)), "bytes": int(p.group(4))})

json.dump(out, sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
