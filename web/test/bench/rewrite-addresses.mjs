// Rewrites the IPv4 and IPv6 addresses of an Ethernet pcap, for
// real-capture.sh: each copy of the real captures gets its own addresses, so
// its connections are new ones. Nothing else changes: not a frame's length,
// not an IP header's length (tcprewrite 4.4 sets an IP header's total length
// to the frame's, so the Ethernet padding of every short frame became six
// bytes of TCP payload), and the checksums are updated for the new addresses
// (RFC 1624), right ones staying right and wrong ones wrong.
//
// An address keeps its first byte (IPv4) or first two bytes (IPv6); the rest
// is XORed with bytes drawn from SEED: a private or public address stays so,
// and multicast, broadcast, loopback and unspecified addresses (224.0.0.0/3,
// 0.0.0.0/8, 127.0.0.0/8, ff00::/8, ::/8) are kept, as are ARP's and the
// addresses quoted inside ICMP errors and tunnels (only a frame's outer IP
// header is rewritten).
// Usage: node rewrite-addresses.mjs IN.pcap OUT.pcap SEED
import { readFileSync, writeFileSync } from "node:fs";

const [input, output, seedArg] = process.argv.slice(2);
if (!input || !output || !seedArg) {
  console.error("usage: node rewrite-addresses.mjs IN.pcap OUT.pcap SEED");
  process.exit(2);
}

/** mask returns n bytes drawn from the seed (xorshift32). */
function mask(seed, n) {
  let x = seed >>> 0 || 0x9e3779b9;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
const m = mask(Number(seedArg) * 2654435761, 16);

const buf = readFileSync(input);
const magic = buf.readUInt32LE(0);
const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${input}: not a pcap`);
const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
if (u32(20) !== 1) throw new Error(`${input}: link type ${u32(20)}, not Ethernet`);

/** sum16 adds the 16-bit words of b[from, to) (one's complement, unfolded). */
function sum16(from, to) {
  let s = 0;
  for (let i = from; i < to; i += 2) s += (buf[i] << 8) | buf[i + 1];
  return s;
}

/** adjust updates the checksum at c for words whose sum went from before to after (RFC 1624, eqn. 3). */
function adjust(c, before, after, end) {
  if (c + 2 > end) return;
  const s = (~buf.readUInt16BE(c) & 0xffff) + (0xffff - fold(before)) + fold(after);
  buf.writeUInt16BE(~fold(s) & 0xffff, c);
}

function fold(s) {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** keep4 says whether the IPv4 address at o stays as it is. */
const keep4 = (o) => buf[o] >= 224 || buf[o] === 0 || buf[o] === 127;
const keep6 = (o) => buf[o] === 0xff || buf[o] === 0;

let frames = 0;
let rewritten = 0;
for (let off = 24; off + 16 <= buf.length; ) {
  const caplen = u32(off + 8);
  const start = off + 16;
  const end = Math.min(buf.length, start + caplen);
  off = start + caplen;
  frames++;
  let p = start + 12;
  if (p + 2 > end) continue;
  let type = buf.readUInt16BE(p);
  while ((type === 0x8100 || type === 0x88a8) && p + 6 <= end) {
    p += 4;
    type = buf.readUInt16BE(p);
  }
  p += 2;
  if (type === 0x0800 && p + 20 <= end && buf[p] >> 4 === 4) {
    const ihl = (buf[p] & 15) * 4;
    const before = sum16(p + 12, p + 20);
    for (const a of [p + 12, p + 16]) if (!keep4(a)) for (let i = 1; i < 4; i++) buf[a + i] ^= m[i];
    const after = sum16(p + 12, p + 20);
    if (before === after) continue;
    rewritten++;
    adjust(p + 10, before, after, end);
    const fragOff = buf.readUInt16BE(p + 6) & 0x1fff;
    const l4 = p + ihl;
    if (fragOff !== 0) continue;
    if (buf[p + 9] === 6) adjust(l4 + 16, before, after, end);
    else if (buf[p + 9] === 17 && l4 + 8 <= end && buf.readUInt16BE(l4 + 6) !== 0) adjust(l4 + 6, before, after, end);
  } else if (type === 0x86dd && p + 40 <= end && buf[p] >> 4 === 6) {
    const before = sum16(p + 8, p + 40);
    for (const a of [p + 8, p + 24]) if (!keep6(a)) for (let i = 2; i < 16; i++) buf[a + i] ^= m[i];
    const after = sum16(p + 8, p + 40);
    if (before === after) continue;
    rewritten++;
    // The transport header: past the extension headers, unless a later fragment.
    let next = buf[p + 6];
    let q = p + 40;
    while ((next === 0 || next === 43 || next === 60 || next === 44) && q + 8 <= end) {
      if (next === 44 && (buf.readUInt16BE(q + 2) & 0xfff8) !== 0) break;
      const len = next === 44 ? 8 : (buf[q + 1] + 1) * 8;
      next = buf[q];
      q += len;
    }
    if (next === 6) adjust(q + 16, before, after, end);
    else if (next === 17) adjust(q + 6, before, after, end);
    else if (next === 58) adjust(q + 2, before, after, end);
  }
}
writeFileSync(output, buf);
console.error(`${output}: ${frames} frames, ${rewritten} with addresses rewritten`);
