// web/test/bench/rewrite-addresses.mjs, which gives each copy of the real
// captures in the benchmarks' capture (real-capture.sh) its own addresses:
// lengths and payloads unchanged (an Ethernet frame's padding stays
// padding), checksums right for the new addresses, multicast kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pcapHeader, pcapRecord } from "../gen.mjs";

const script = resolve(dirname(fileURLToPath(import.meta.url)), "../bench/rewrite-addresses.mjs");

function fold(s) {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}
const sum = (b, from, to) => {
  let s = 0;
  for (let i = from; i < to; i += 2) s += (b[i] << 8) | (i + 1 < to ? b[i + 1] : 0);
  return s;
};

/** frame builds Ethernet (optionally VLAN-tagged) + IP + TCP or UDP with right checksums, padded to 60 bytes. */
function frame({ v6 = false, udp = false, vlan = false, src, dst, payload = Buffer.alloc(0) }) {
  const eth = Buffer.alloc(vlan ? 18 : 14);
  if (vlan) eth.writeUInt32BE(0x81000064, 12);
  eth.writeUInt16BE(v6 ? 0x86dd : 0x0800, eth.length - 2);
  const l4 = Buffer.concat([Buffer.alloc(udp ? 8 : 20), payload]);
  l4.writeUInt16BE(40000, 0);
  l4.writeUInt16BE(udp ? 53 : 80, 2);
  if (udp) l4.writeUInt16BE(l4.length, 4);
  else l4[12] = 0x50;
  const ip = Buffer.alloc(v6 ? 40 : 20);
  const proto = udp ? 17 : 6;
  if (v6) {
    ip[0] = 0x60;
    ip.writeUInt16BE(l4.length, 4);
    ip[6] = proto;
    ip[7] = 64;
    src.copy(ip, 8);
    dst.copy(ip, 24);
  } else {
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + l4.length, 2);
    ip[8] = 64;
    ip[9] = proto;
    src.copy(ip, 12);
    dst.copy(ip, 16);
    ip.writeUInt16BE(~fold(sum(ip, 0, 20)) & 0xffff, 10);
  }
  const addrs = v6 ? ip.subarray(8, 40) : ip.subarray(12, 20);
  const pseudo = sum(addrs, 0, addrs.length) + proto + l4.length;
  l4.writeUInt16BE(~fold(pseudo + sum(l4, 0, l4.length)) & 0xffff, udp ? 6 : 16);
  const f = Buffer.concat([eth, ip, l4]);
  return f.length < 60 ? Buffer.concat([f, Buffer.alloc(60 - f.length, 0xee)]) : f;
}

function pcap(frames) {
  return Buffer.concat([pcapHeader(1), ...frames.flatMap((f) => [pcapRecord(f.length), f])]);
}

/** check verifies f's IP and transport checksums and returns its addresses. */
function check(f, { v6, udp, vlan }) {
  const ip = vlan ? 18 : 14;
  const iplen = v6 ? 40 + f.readUInt16BE(ip + 4) : f.readUInt16BE(ip + 2);
  if (!v6) assert.equal(fold(sum(f, ip, ip + 20)), 0xffff, "IPv4 header checksum");
  const l4 = ip + (v6 ? 40 : 20);
  const addrs = v6 ? f.subarray(ip + 8, ip + 40) : f.subarray(ip + 12, ip + 20);
  const len = ip + iplen - l4;
  assert.equal(fold(sum(addrs, 0, addrs.length) + (udp ? 17 : 6) + len + sum(f, l4, l4 + len)), 0xffff, "transport checksum");
  return { addrs: Buffer.from(addrs), iplen };
}

test("rewrite-addresses gives new addresses, right checksums, the same lengths and payloads", () => {
  const dir = mkdtempSync(join(tmpdir(), "rewrite-"));
  try {
    const a4 = Buffer.from([10, 1, 2, 3]);
    const b4 = Buffer.from([93, 184, 216, 34]);
    const mc4 = Buffer.from([239, 255, 255, 250]);
    const a6 = Buffer.from("20010db8000000000000000000000001", "hex");
    const b6 = Buffer.from("2a0014500000000000000000000000aa", "hex");
    const specs = [
      { src: a4, dst: b4 }, // an ACK: 54 bytes, padded to 60
      { src: b4, dst: a4, payload: Buffer.from("HTTP/1.1 200 OK\r\n\r\n") },
      { src: a4, dst: b4, udp: true, payload: Buffer.from("odd") },
      { src: a4, dst: mc4, udp: true, payload: Buffer.from("M-SEARCH") },
      { src: a4, dst: b4, vlan: true, payload: Buffer.from("x") },
      { src: a6, dst: b6, v6: true, payload: Buffer.from("hello") },
      { src: a6, dst: b6, v6: true, udp: true },
    ];
    const frames = specs.map(frame);
    writeFileSync(join(dir, "in.pcap"), pcap(frames));
    execFileSync(process.execPath, [script, join(dir, "in.pcap"), join(dir, "out.pcap"), "7"], { stdio: "pipe" });
    const out = readFileSync(join(dir, "out.pcap"));
    assert.equal(out.length, 24 + frames.reduce((n, f) => n + 16 + f.length, 0));
    let off = 24;
    specs.forEach((s, i) => {
      const f = out.subarray(off + 16, off + 16 + out.readUInt32LE(off + 8));
      off += 16 + f.length;
      const before = check(frames[i], s);
      const after = check(f, s);
      assert.equal(after.iplen, before.iplen, `frame ${i}: the IP length changed`);
      const payloadAt = (s.vlan ? 18 : 14) + (s.v6 ? 40 : 20) + 20;
      assert.deepEqual(f.subarray(payloadAt), frames[i].subarray(payloadAt), `frame ${i}: payload or padding changed`);
      const n = before.addrs.length / 2;
      const [srcB, dstB, srcA, dstA] = [before.addrs.subarray(0, n), before.addrs.subarray(n), after.addrs.subarray(0, n), after.addrs.subarray(n)];
      assert.notDeepEqual(srcA, srcB, `frame ${i}: source kept`);
      if (s.dst === mc4) assert.deepEqual(dstA, dstB, "a multicast address changed");
      else assert.notDeepEqual(dstA, dstB, `frame ${i}: destination kept`);
      assert.equal(srcA[0], srcB[0], "the first byte changed");
    });
    // The same address maps the same way in every frame, and back with the same seed.
    assert.deepEqual(check(out.subarray(24 + 16, 24 + 16 + 60), specs[0]).addrs.subarray(0, 4), check(out.subarray(24 + 16 + 60 + 16), specs[1]).addrs.subarray(4, 8));
    execFileSync(process.execPath, [script, join(dir, "out.pcap"), join(dir, "back.pcap"), "7"], { stdio: "pipe" });
    assert.deepEqual(readFileSync(join(dir, "back.pcap")), pcap(frames));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
