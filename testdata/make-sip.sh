#!/bin/sh
# make-sip.sh: records the SIP test captures testdata/captures/sip-*.pcap.
#
# Runs SIPp (Debian package sip-tester, `apt-get install -y sip-tester`)
# UAS and UAC scenarios from testdata/sipp/ against each other on 127.0.0.1
# and captures the loopback interface with dumpcap. Needs root (or
# CAP_NET_RAW for dumpcap). Only 127.0.0.1 is ever used.
#
#   sh testdata/make-sip.sh            # writes testdata/captures/sip-*.pcap
set -eu
cd "$(dirname "$0")"
S=sipp
OUT=captures
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# record NAME FILTER UAS-ARGS -- UAC-ARGS: captures one UAS/UAC run.
record() {
	name=$1 filter=$2
	shift 2
	uas="" uac=""
	while [ "$1" != "--" ]; do uas="$uas $1"; shift; done
	shift
	uac="$*"
	dumpcap -q -i lo -f "$filter" -P -w "$WORK/$name.pcap" >/dev/null 2>&1 &
	dpid=$!
	sleep 1.5
	# shellcheck disable=SC2086
	sipp $uas -nostdin -timeout 30s >"$WORK/$name.uas.log" 2>&1 &
	upid=$!
	sleep 0.5
	# shellcheck disable=SC2086
	sipp $uac -nostdin -timeout 30s >"$WORK/$name.uac.log" 2>&1 || echo "$name: uac exit $?" >&2
	wait "$upid" || echo "$name: uas exit $?" >&2
	sleep 1
	kill -INT "$dpid"
	wait "$dpid" || true
	cp "$WORK/$name.pcap" "$OUT/$name.pcap"
	chmod 644 "$OUT/$name.pcap"
	echo "$name: $(capinfos -c -M "$OUT/$name.pcap" | sed -n 's/^Number of packets: *//p') packets"
}

# 1. A call with an SDP offer/answer and RTP both ways: the UAC plays
#    SIPp's G.711 A-law recording (and one RFC 4733 DTMF digit) to the
#    UAS, which echoes every RTP packet back (-rtp_echo).
record sip-call-rtp "host 127.0.0.1 and udp and (portrange 5060-5099 or portrange 6000-6299)" \
	-sf $S/call-uas.xml -i 127.0.0.1 -p 5060 -mi 127.0.0.1 -mp 6000 -rtp_echo -m 1 -- \
	-sf $S/call-uac.xml -i 127.0.0.1 -p 5070 -mi 127.0.0.1 -mp 6200 -s 200 -m 1 127.0.0.1:5060

# 2. A call rejected with 486 Busy Here, on ports that are not 5060
#    (SIP found by its start line).
record sip-call-rejected "host 127.0.0.1 and udp and portrange 5090-5099" \
	-sf $S/reject-uas.xml -i 127.0.0.1 -p 5090 -m 1 -- \
	-sf $S/reject-uac.xml -i 127.0.0.1 -p 5092 -s bob -m 1 127.0.0.1:5090

# 3. A call cancelled while ringing (CANCEL, 200, 487, ACK).
record sip-call-cancelled "host 127.0.0.1 and udp and portrange 5060-5099" \
	-sf $S/cancel-uas.xml -i 127.0.0.1 -p 5060 -m 1 -- \
	-sf $S/cancel-uac.xml -i 127.0.0.1 -p 5072 -s dave -m 1 127.0.0.1:5060

# 4. A REGISTER challenged with 401, then accepted with 200 (Expires 3600).
printf 'SEQUENTIAL\nalice;;pcaplens-phone/1.0\n' >"$WORK/alice.csv"
record sip-register "host 127.0.0.1 and udp and portrange 5060-5099" \
	-sf $S/register-ok-uas.xml -i 127.0.0.1 -p 5060 -m 1 -- \
	-sf $S/register-uac.xml -i 127.0.0.1 -p 5074 -inf "$WORK/alice.csv" -au alice -ap secret -m 1 127.0.0.1:5060

# 5. Password guessing: 12 REGISTERs for one user with a scanner's
#    User-Agent, each challenged (401) and then refused (403).
{ echo SEQUENTIAL; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "1000;;friendly-scanner"; done; } >"$WORK/guess.csv"
record sip-register-bruteforce "host 127.0.0.1 and udp and portrange 5060-5099" \
	-sf $S/register-fail-uas.xml -i 127.0.0.1 -p 5060 -m 12 -- \
	-sf $S/register-uac.xml -i 127.0.0.1 -p 5076 -inf "$WORK/guess.csv" -au 1000 -ap guess -r 20 -m 12 127.0.0.1:5060

# 6. An OPTIONS scan across extensions 100-109 (User-Agent friendly-scanner),
#    every one answered 404.
{ echo SEQUENTIAL; for i in 100 101 102 103 104 105 106 107 108 109; do echo "$i"; done; } >"$WORK/ext.csv"
record sip-options-scan "host 127.0.0.1 and udp and portrange 5060-5099" \
	-sf $S/options-uas.xml -i 127.0.0.1 -p 5060 -m 10 -- \
	-sf $S/options-uac.xml -i 127.0.0.1 -p 5078 -inf "$WORK/ext.csv" -r 20 -m 10 127.0.0.1:5060

# 7. SIP over TCP: SIPp's built-in uac/uas call (INVITE/180/200/ACK/BYE/200),
#    SDP but no RTP (a call without media).
record sip-call-tcp "host 127.0.0.1 and tcp and port 5060" \
	-sn uas -t t1 -i 127.0.0.1 -p 5060 -m 1 -- \
	-sn uac -t t1 -i 127.0.0.1 -s 300 -d 1000 -m 1 127.0.0.1:5060

# 8. The call of (1) with RTP packets removed to make loss: frames
#    chosen by tshark (every 25th RTP packet from the UAC to the UAS).
drop=$(tshark -r "$OUT/sip-call-rtp.pcap" -Y 'rtp && udp.dstport == 6000' -T fields -e frame.number | awk 'NR % 25 == 0' | tr '\n' ' ')
# shellcheck disable=SC2086
editcap -F pcap "$OUT/sip-call-rtp.pcap" "$OUT/sip-call-rtp-loss.pcap" $drop
echo "sip-call-rtp-loss: dropped frames $drop"
