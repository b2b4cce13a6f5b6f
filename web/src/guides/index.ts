// Investigation guides for "Copy for AI": what to look at, in pcaplens'
// report fields, for one kind of question. Written for this project: each is
// a short checklist an assistant (or a person) can follow over the report
// that precedes it.

/** Guide is one investigation checklist. */
export interface Guide {
  id: string;
  title: string;
  /** tools whose presence makes the guide a good default (first match wins). */
  suggestFor: readonly string[];
  /** steps are Markdown list items (no leading dash). */
  steps: readonly string[];
}

export const guides: readonly Guide[] = [
  {
    id: "general",
    title: "General first look",
    suggestFor: [],
    steps: [
      "Read the capture line: packet count, duration, file type. A very short capture or a snap length below 1514 limits what can be concluded.",
      "Check every `warnings` list: a capture cut short or with unknown link types hides traffic from every analysis.",
      "Go through the findings from the top: they are ranked by severity, then by count. Say which ones matter for the question asked and which are noise.",
      "Use the protocol hierarchy and the top conversations to say what the capture is mostly about before drilling into one protocol.",
      "For each claim, cite the analysis and the frame numbers given so it can be checked in Wireshark.",
      "End with what is missing: traffic not captured (one direction only, no DNS, capture point), and what capture would settle the question.",
    ],
  },
  {
    id: "tcp-troubleshooting",
    title: "TCP troubleshooting (slowness, failures)",
    suggestFor: ["tcp_connections"],
    steps: [
      "tcp_retransmissions: compare `retransmission_rate` and `data_retransmission_rate`; a few percent on data segments is already felt by users. `by_kind` tells fast retransmissions (loss noticed by duplicate ACKs) from timeouts (RTO, long stalls) and spurious ones (the original arrived).",
      "`by_connection` and `summary.worst_connection`: is the trouble on one path or everywhere? One server or one client points at that host or its link.",
      "tcp_connections: connection states (Zeek `conn_state`): many S0 (no answer) or REJ (RST to SYN) are reachability problems, not performance ones.",
      "`initial_rtt_seconds` per connection: the handshake round trip. Compare it with the gaps in the flow; high RTT alone explains slow small transfers.",
      "Zero windows and window-full flags mean the receiver cannot keep up (application or host), not the network.",
      "Duplicate ACK bursts and out-of-order delivery without retransmissions can be reordering on the path rather than loss.",
      "State where the capture was taken: retransmissions seen at the sender side mean loss downstream; at the receiver side, the originals never arrived.",
    ],
  },
  {
    id: "tcp-security",
    title: "TCP security (scans, floods, hijacking)",
    suggestFor: [],
    steps: [
      "tcp_anomalies patterns in category `reconnaissance` (port_scan) and `availability` (syn_flood): who is the source, how many targets and ports, over what time.",
      "`syn_response_imbalance` and `handshake_completion`: many SYNs with no SYN/ACK or with RST answers is scanning or a service down; tell them apart by the number of distinct destinations.",
      "`rst_directional_asymmetry` and `abnormal_termination`: resets mostly from one side can be a firewall or an injected reset.",
      "Connections with history strings that skip the handshake, or data before the SYN/ACK, deserve a look for injection or a capture that started late.",
      "List the external addresses involved with their packet counts (overview endpoints) and say which are inside the network.",
      "Recommend concrete checks: firewall logs for the sources, whether the scanned ports are open (SYN/ACK seen), and the time window.",
    ],
  },
  {
    id: "dns-troubleshooting",
    title: "DNS troubleshooting (failures, slowness)",
    suggestFor: ["dns"],
    steps: [
      "dns.statistics: rcodes (NXDOMAIN, SERVFAIL, REFUSED), unanswered queries and the response-time figures. SERVFAIL and timeouts point at the resolver or its upstream; NXDOMAIN at the names asked.",
      "top_servers: which resolver answers slowly or fails; compare with the resolvers a DHCP lease hands out, if the capture has DHCP.",
      "transactions with retries: the client repeated the query; say after how long and whether an answer came at last.",
      "Queries over TCP and truncated (TC) answers: large responses (DNSSEC, many records) and a path that drops fragments or TCP/53.",
      "`many_resolvers` and `non_standard_port` observations: clients bypassing the configured resolver (or a VPN/DoH fallback).",
      "Relate DNS failures to the TCP failures that follow: a connection that never starts may simply have no address.",
    ],
  },
  {
    id: "dns-security",
    title: "DNS security (tunnelling, exfiltration, hijacking)",
    suggestFor: [],
    steps: [
      "Observations `high_entropy_label`, `long_label`, `long_name`, `many_subdomains` and `txt_heavy` together on one domain are the shape of a tunnel or data exfiltration: name the domain, the client and the volume.",
      "`periodic_queries`: a beacon (malware calling home) queries the same name at a steady interval; give the interval and the client.",
      "`nxdomain_burst`: bursts of NXDOMAIN from one client fit a domain-generation algorithm; list sample names from top_names.",
      "`answer_from_unasked_server`: an answer from an address the client did not ask is spoofing or an ISP/middlebox rewriting answers.",
      "`zone_transfer`: AXFR/IXFR from an unexpected client leaks the whole zone.",
      "For each suspicion, say what would confirm it (the domain's registration, other clients asking the same names, the process on the client).",
    ],
  },
  {
    id: "dns-forensics",
    title: "DNS forensics (timeline, who asked what)",
    suggestFor: [],
    steps: [
      "Build a timeline from dns.transactions: time (UTC), client, name, type, rcode and answers, in order.",
      "top_clients and top_names: which host asked for what; names asked by one client only are the interesting ones.",
      "Answers map names to addresses: use them to name the addresses seen in the overview's conversations.",
      "Note the first and last time each suspicious name appears and the addresses it resolved to (fast-changing answers, short TTLs).",
      "Keep frame numbers for each entry of the timeline so the evidence can be exported from the original capture.",
      "Say what is absent: no DNS for an address that is contacted means a hard-coded address, a cached answer or DNS over another channel.",
    ],
  },
  {
    id: "dhcp",
    title: "DHCP (leases, rogue servers)",
    suggestFor: ["dhcp"],
    steps: [
      "dhcp.statistics and the message-type counts: DISCOVER without OFFER, REQUEST without ACK, and NAKs.",
      "servers: more than one server identifier answering (`multiple_servers`) is a rogue or misconfigured DHCP server; compare the routers and DNS servers each hands out.",
      "clients: per MAC, the addresses obtained, lease times and host names; `unanswered_client` for clients that never got an address.",
      "`decline` (address conflict found by the client) and `nak` (server refuses the requested address): duplicate addresses or a client moved between networks.",
      "`starvation_like`: many MACs asking in a short time is an exhaustion attack or a broken virtualisation host.",
      "`relayed_traffic`: relay agents (giaddr) in play; check the relay's configuration when only relayed clients fail.",
      "DHCPv6 (dhcpv6): the same questions for Solicit/Advertise/Request/Reply and status codes.",
    ],
  },
  {
    id: "icmp-diagnostics",
    title: "ICMP diagnostics (reachability, path MTU, latency)",
    suggestFor: ["icmp"],
    steps: [
      "echo: per source/destination pair, sent, received, loss and RTT min/avg/max/mdev; say which pairs lose packets and which are slow.",
      "unreachables and errors: which router reports what (host, port, network unreachable, administratively prohibited) for which destination.",
      "path_mtu: 'fragmentation needed' / 'packet too big' with the next-hop MTU: a black hole appears when these are filtered; compare with the TCP stalls after the handshake.",
      "traceroutes: the hops and where the path stops.",
      "redirects: a router telling hosts to use another gateway is normal only on flat networks.",
      "Relate ICMP errors to the TCP or UDP flows they quote (the quoted header names the original connection).",
    ],
  },
  {
    id: "icmp-security",
    title: "ICMP security (sweeps, floods, tunnels)",
    suggestFor: [],
    steps: [
      "`ping_sweep`: one source sending echo requests to many addresses is host discovery; give the source, the range and the time.",
      "`flood`: a high echo rate toward one target is a denial of service or a misbehaving monitor.",
      "`large_payload` and `high_entropy_payload`: echo payloads that are big or random-looking can carry data (ICMP tunnel).",
      "`echo_to_broadcast`: smurf-style amplification attempts.",
      "`redirect` from a host that is not a router is a man-in-the-middle attempt.",
      "Say which of these are expected in this network (monitoring systems ping a lot) before calling them attacks.",
    ],
  },
  {
    id: "sip-voip",
    title: "SIP / VoIP (calls, registrations, media quality)",
    suggestFor: ["sip"],
    steps: [
      "sip.statistics: methods and response codes; many 4xx/5xx/6xx responses name the failing side.",
      "calls: state, post-dial delay, answer time, duration and who hung up; failed calls with their final code.",
      "registrations: outcome, attempts and 401/407 challenges; `auth_failures` from one source is password guessing.",
      "`scan` observations: requests across many users or a scanner's User-Agent.",
      "rtp_streams: packets, lost %, jitter and max delta; `one_way_media` and `call_without_media` usually mean NAT or firewall problems with the announced SDP addresses.",
      "Compare the codecs offered and answered; a mismatch or a transcoder shows in the media figures.",
    ],
  },
];

/** guideById returns a guide (the general one when the id is unknown). */
export function guideById(id: string): Guide {
  return guides.find((g) => g.id === id) ?? guides[0]!;
}

/** suggestGuide picks a default guide for a report: the first whose tools have findings, else general. */
export function suggestGuide(sources: readonly string[]): Guide {
  for (const g of guides) if (g.suggestFor.some((t) => sources.includes(t))) return g;
  return guides[0]!;
}

/** guideMarkdown renders a guide as a Markdown section. */
export function guideMarkdown(g: Guide): string {
  return `## Investigation guide: ${g.title}\n\n${g.steps.map((s) => `- [ ] ${s}`).join("\n")}\n`;
}
