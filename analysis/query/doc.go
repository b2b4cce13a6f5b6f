// Package query runs Wireshark 4.0 display filters (analysis/filter) over
// the frames of a capture: the filter.Source over a decoded frame, and the
// state some fields need across frames.
//
// A Matcher is fed every frame in file order after the engine's decoder,
// reassembler and stream assigner; Match says whether the frame passes.
// Frames and Count run the whole pass over a capture (reader, decoder,
// reassembler, stream assigner when the filter needs stream numbers,
// matcher); Bitset holds the matching frame numbers compactly.
//
// The Matcher's Source is the one extraction of field values: Values gives
// the occurrences of any registry field in the frame last matched, and
// AppendText writes them as tshark 4.0 -T fields prints them (the packet
// list's --fields and the packet detail use it). Want (or WantAll) asks
// the Matcher to keep the state fields need beyond those its filter reads;
// an empty filter selects every frame. testdata/tshark/fields.sh records
// tshark's text of every registry field on the test captures and
// TestFieldsTshark requires the same, with its known differences listed. Only the
// analyses a filter uses run: the TCP tracker (analysis/tcp) for
// tcp.analysis.*, tcp.seq, tcp.ack and tcp.window_size; DNS over TCP
// framing for dns.*; the query/response table for dns.time; SIP over TCP
// framing and the SDP-announced endpoints for sip.* and rtp; the HTTP
// reading for http.*. Match allocates nothing per frame in steady state,
// except for SIP and HTTP messages, which their packages' parsers build.
//
// Where the values come from, as tshark 4.0 shows them:
//   - frame.*: the record; time_relative from the first frame, time_delta
//     from the previous captured frame.
//   - eth.*, vlan.id, ip.*, ipv6.*, tcp/udp ports and flags, icmp/icmpv6
//     type and code, arp.*: every header of the frame's layer path
//     (frame.Frame.Path), so a tunnel gives ip.src twice, and the IP and
//     transport headers quoted in an ICMP error, as far as they were
//     captured (an ICMP message ends where its IP header says, so that
//     Ethernet padding is not quoted). ip.frag_offset is in units of 8 bytes, as 4.0 shows it. A
//     header with a wrong version (IPv4 that is not 4, IPv6 that is not 6)
//     shows the protocol and none of its fields, and nothing after it.
//   - tcp.seq and tcp.ack are relative to the direction's first sequence
//     number (tcp.ack without the ACK flag is the header's field as it
//     is); tcp.window_size is the
//     window scaled by the shift in force before the frame's own options
//     are read (never on a SYN), as tshark scales it; tcp.len is the
//     segment length the IP header claims; tcp.analysis.* are the
//     tracker's flags (tcp.analysis.retransmission also on fast and
//     spurious retransmissions; tcp.analysis.duplicate_ack twice, as 4.0
//     adds it), tcp.analysis.flags when any is set.
//     tcp.analysis, the SEQ/ACK analysis tree, is present on a frame with a
//     flag, with data and bytes in flight (tcp.Tracker.BytesInFlight), with an
//     acknowledgement beyond what the other side was to have acknowledged
//     (whether or not tshark flags it as an ACKed unseen segment), or
//     acknowledging a segment not acknowledged before.
//     The Fast Open flags: a SYN with data and a cookie is tfo_syn; its
//     SYN/ACK is tfo_ack when it acknowledges the data, tfo_ignored when it
//     acknowledges only the SYN.
//   - tcp.stream and udp.stream: frame.StreamAssigner's numbers; udp.stream
//     of every UDP header, outermost first (a VXLAN packet carrying UDP has
//     two). The RTP, RTCP and T.38 endpoints a SIP message's session
//     description announces are conversations of their own, as Wireshark's
//     SDP dissector sets them up (Matcher.SetStreams): each direction of
//     an RTP stream has its own udp.stream; a filter reading udp.stream
//     therefore reads SIP too.
//   - Application protocols are decided as tshark decides: an RTP
//     conversation SDP set up first, then the lower port's dissector, then
//     the higher port's, then heuristics. DNS on UDP or TCP port 53 (on TCP,
//     on the frame completing each length-prefixed message), mDNS on UDP
//     5353 (mdns, with dns.* fields), LLMNR on UDP 5355 (dns.* fields), and
//     a UDP payload elsewhere that is DNS beyond doubt (dns.Heuristic);
//     DHCP on UDP 67/68, DHCPv6 on UDP 546/547; SIP on UDP or TCP 5060 or
//     anywhere a SIP start line with a registered method begins (on TCP,
//     on the frame completing each message); RTP to or from an endpoint
//     (address and port) announced by an earlier SIP message's SDP body
//     for RTP/AVP or RTP/AVPF. DNS in the UDP datagram an ICMP error quotes
//     is dissected too. dns.flags.rcode is shown on responses only, dns.time
//     on responses whose query (same conversation and ID) came earlier, not
//     in ICMP errors nor in IP fragments dissected alone. dhcp.hw.mac_addr
//     is the client hardware address (of an Ethernet client), then the
//     address in a client identifier option (61) of hardware type 1.
//     dhcp.id is the BOOTP transaction ID of a message whose fixed header
//     the frame holds; dhcpv6.xid the transaction ID of the message, or of
//     each message a relay message's Relay Message options carry.
//   - http and http.*: analysis/http's Follower (the http tool's reading)
//     over analysis/tcpstream: a connection on one of the HTTP dissector's
//     ports or whose first segment with data has an HTTP/1.x first line;
//     each message's fields on the frame that completes it (headers and
//     body), http also on a segment that starts no message where one was
//     expected (tshark's "Continuation"). The http protocol is present,
//     not comparable as bytes.
//   - Protocols compared as bytes (tcp contains "GET") are the header and
//     what it carries, to the end of the packet as its headers claim.
//   - Layers (the layer operator, ip.src#2): an occurrence is in the layer
//     of the header it was read from, counted per protocol from the
//     outermost (the datagram an ICMP error quotes after the frame's own
//     headers); udp.stream's n-th number is layer n; the fields of the
//     frame and of the application protocols are in layer 1.
//   - tls and tls.*: analysis/tls's Dissector, the analyzer itself (TCP
//     reassembled by analysis/tcpstream; QUIC Initial packets decrypted): a
//     record or handshake message belongs to the frame completing it, and
//     tls is present where a record begins or completes, as in tshark.
//     Agreement: testdata/tshark/filters-tls.sh and
//     TestTLSFiltersAgainstTshark, whose known differences are
//     retransmissions of bytes never captured, TLS in ICMP error quotes and
//     one-byte keep-alives. tls.handshake.ja4 is Wireshark 4.2's field.
//     WantAll leaves the tls fields out (their reading costs every frame):
//     a filter reading them, or Want naming them, turns the dissector on.
//
// Where our decoder cannot tell what tshark would, and the agreement test
// lists it (TestFiltersAgainstTshark's knownDifferences, TestFieldsTshark's
// fieldDifferences):
//   - SDP's a=rtcp attribute (an RTCP port other than the next one) is
//     not read, nor SDP in other carriers than SIP (multipart bodies,
//     RTSP, SAP).
//   - Only the ports of the protocols above are known: a datagram whose
//     lower port belongs to a protocol we do not decode (say 123, NTP,
//     with 53 on the other side) is DNS here and NTP in tshark. DNS over TCP
//     on other ports, and SIP over TCP flows that start before the capture
//     mid-message, are not recognised.
//   - Protocols compared as bytes cover what the headers claim: Ethernet
//     trailers and padding are not cut as tshark cuts them.
package query
