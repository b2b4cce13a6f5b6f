// Sample captures built into the site (build/build.mjs copies them from
// testdata/captures/ into dist/samples/; their origin and licence are in
// testdata/README.md).

/** Sample is one capture a first-time visitor can open with one click. */
export interface Sample {
  file: string;
  label: string;
  about: string;
}

export const samples: readonly Sample[] = [
  { file: "chrissanders--synscan.pcapng", label: "SYN scan", about: "a port scan: TCP findings (capture by Chris Sanders, Practical Packet Analysis)" },
  { file: "chrissanders--dns_isp_hijack.pcapng", label: "DNS and web", about: "DNS lookups and the web traffic that follows (capture by Chris Sanders, Practical Packet Analysis)" },
  { file: "sip-register-bruteforce.pcap", label: "SIP brute force", about: "REGISTER attempts from a scanner: SIP findings" },
];
