#!/bin/sh
# agree.sh AREA DIR...: how many captures in DIR... agree with tshark in one area.
#   AREA  tcp (packets, streams, each of the 15 tcp.analysis flags per frame,
#         initial RTT), icmp (type/code counts, echo pairs, unanswered, RTTs per
#         family) or sip (messages, methods, status codes, Call-IDs, RTP streams).
# It lays the captures out like testdata/ in a temporary directory, records
# tshark's figures there with the area's own script (testdata/tshark/AREA.sh,
# the same definitions as the committed expectations), runs the area's Go
# comparison test against them (PCAPLENS_TESTDATA) and prints one line per
# capture that differs, then "AREA: N of M captures agree (K skipped)".
# Captures tshark finds nothing of the area in count as agreeing when we find
# nothing either; captures whose link type we do not decode are skipped, and so
# are empty files.
# Example: sh testdata/tshark/agree.sh tcp ../shared/captures/real ../shared/captures/tcpdump-tests
# Needs tshark 4.0, python3 and go. Set KEEP=1 to keep the temporary directory.
set -eu
area=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
mkdir -p "$work/captures"
for d; do
  for f in "$d"/*; do
    case "$f" in *.md | *.json | *.txt) continue ;; esac
    [ -s "$f" ] && ln -sf "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$work/captures/"
  done
done
case "$area" in
tcp) test=TestAgainstTshark ;;
icmp | sip) test=TestTshark ;;
*) echo "agree.sh: unknown area $area" >&2; exit 2 ;;
esac
TESTDATA=$work sh "$root/testdata/tshark/$area.sh" >/dev/null
cd "$root"
PCAPLENS_TESTDATA=$work go test "./analysis/$area/" -run "^$test\$" -count=1 -json 2>&1 |
  python3 -c '
import json, sys
area, top = sys.argv[1], sys.argv[2]
res, out = {}, {}
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    t = e.get("Test", "")
    if not t.startswith(top + "/"):
        continue
    name = t.split("/", 2)[1]
    if e["Action"] in ("pass", "fail", "skip") and t.count("/") == 1:
        res[name] = e["Action"]
    elif e["Action"] == "output":
        s = e["Output"].strip()
        if s and not s.startswith(("=== ", "--- ")):
            out.setdefault(name, []).append(s)
for name in sorted(res):
    if res[name] == "fail":
        print("%s: %s" % (name, " | ".join(out.get(name, [])[:6])))
n = len(res)
skip = sum(1 for v in res.values() if v == "skip")
ok = sum(1 for v in res.values() if v == "pass")
print("%s: %d of %d captures agree (%d skipped)" % (area, ok, n - skip, skip))
' "$area" "$test"
if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
