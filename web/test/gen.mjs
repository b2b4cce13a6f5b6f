// Generates synthetic pcap captures for the browser benchmark and the
// cancel test: Ethernet/IPv4 with a mix of TCP (handshakes, data, ACKs) and
// UDP DNS-like packets between a few hundred hosts, microsecond timestamps.
import { openSync, writeSync, closeSync } from "node:fs";

/** pcapHeader is a little-endian pcap file header (microseconds, snaplen 262,144) for linkType (1: Ethernet, 101: raw IP). */
export function pcapHeader(linkType = 1) {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
}

/** pcapRecord is the record header of a whole frame of length bytes at time sec.usec. */
export function pcapRecord(length, sec = 0, usec = 0) {
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(sec, 0);
  rec.writeUInt32LE(usec, 4);
  rec.writeUInt32LE(length, 8);
  rec.writeUInt32LE(length, 12);
  return rec;
}

/** writeCapture writes `packets` packets to path and returns the file size. */
export function writeCapture(path, packets, { start = 1_700_000_000, seed = 1 } = {}) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const fd = openSync(path, "w");
  writeSync(fd, pcapHeader(1));
  let size = 24;
  const batch = [];
  let batchBytes = 0;
  let t = start * 1e6;
  for (let i = 0; i < packets; i++) {
    t += Math.floor(rnd() * 200);
    const udp = rnd() < 0.3;
    const payload = udp ? 40 + Math.floor(rnd() * 60) : rnd() < 0.5 ? 0 : Math.floor(rnd() * 1400);
    const l4 = udp ? 8 : 20;
    const ipLen = 20 + l4 + payload;
    const frame = Buffer.alloc(14 + ipLen);
    // Ethernet
    frame.writeUInt32BE(0x00112233, 0);
    frame.writeUInt16BE(0x4455, 4);
    frame.writeUInt32BE(0x00aabbcc, 6);
    frame.writeUInt16BE(0xddee, 10);
    frame.writeUInt16BE(0x0800, 12);
    // IPv4
    const client = 0x0a000000 + 1 + Math.floor(rnd() * 250);
    const server = 0xc0a80000 + 1 + Math.floor(rnd() * 20);
    const toServer = rnd() < 0.5;
    frame[14] = 0x45;
    frame.writeUInt16BE(ipLen, 16);
    frame.writeUInt16BE(i & 0xffff, 18);
    frame[22] = 64;
    frame[23] = udp ? 17 : 6;
    frame.writeUInt32BE(toServer ? client : server, 26);
    frame.writeUInt32BE(toServer ? server : client, 30);
    let sum = 0;
    for (let k = 14; k < 34; k += 2) sum += frame.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    frame.writeUInt16BE(~sum & 0xffff, 24);
    const cport = 32768 + (client & 0xfff);
    const sport = udp ? 53 : [80, 443, 22, 8080][server & 3];
    frame.writeUInt16BE(toServer ? cport : sport, 34);
    frame.writeUInt16BE(toServer ? sport : cport, 36);
    if (udp) {
      frame.writeUInt16BE(8 + payload, 38);
    } else {
      frame.writeUInt32BE((i * 1000) >>> 0, 38);
      frame.writeUInt32BE((i * 777) >>> 0, 42);
      frame[46] = 0x50;
      frame[47] = i % 97 === 0 ? 0x02 : i % 89 === 0 ? 0x04 : 0x18; // SYN, RST or PSH|ACK
      frame.writeUInt16BE(65535, 48);
    }
    batch.push(pcapRecord(frame.length, Math.floor(t / 1e6), t % 1e6), frame);
    batchBytes += 16 + frame.length;
    if (batchBytes > 1 << 20) {
      writeSync(fd, Buffer.concat(batch));
      size += batchBytes;
      batch.length = 0;
      batchBytes = 0;
    }
  }
  writeSync(fd, Buffer.concat(batch));
  size += batchBytes;
  closeSync(fd);
  return size;
}
