// One pass of the WebAssembly engine under Node as the page's worker makes
// it: the module compiled, the warm-up capture analysed (as the page does
// while idle), then FILE written in 4 MiB slices with the page's options
// (detailed, maxPackets 20,000, digests supplied externally) and closed with
// closeSummary. Prints the process's CPU time for the pass, the write and
// close times, and the WebAssembly memory at the end (its high-water mark:
// an instance's memory never shrinks). Compare two modules by alternating
// runs (PCAPLENS_WASM=path; default web/dist/pcaplens.wasm), on a busy
// machine CPU time moves less than wall time. A fresh instance's first run
// is slower under Node than in the page's worker: Node answers each growth
// of the module's memory (about 1,200 on a 1 M-frame capture) with a full
// JavaScript collection (node --trace-gc), Chromium does not. With --cpu-prof and an
// unstripped module (GOOS=js GOARCH=wasm go build -trimpath -o m.wasm ./wasm)
// the profile names Go's functions.
// Usage: node web/test/bench/pass.mjs FILE [runs]
import { readFileSync } from "node:fs";
import { engine } from "./engine.mjs";

const file = process.argv[2];
const runs = Number(process.argv[3] || 1);
const bytes = new Uint8Array(readFileSync(file));
const { api, instance } = await engine();

async function pass(b) {
  const t0 = performance.now();
  const s = api.open({ detailed: true, maxPackets: 20_000, externalDigests: true });
  for (let off = 0; off < b.length; off += 4 << 20) await s.write(b.subarray(off, off + (4 << 20)));
  const t1 = performance.now();
  await s.closeSummary({ sha256: "", sha1: "" });
  const t2 = performance.now();
  s.dispose();
  return [t1 - t0, t2 - t1];
}

const ms = (x) => `${Math.round(x).toLocaleString("en-US")} ms`;
if (api.warmupCapture) {
  const [w, c] = await pass(api.warmupCapture());
  console.log(`warm-up capture: write ${ms(w)}, close ${ms(c)}`);
}
for (let i = 0; i < runs; i++) {
  const c0 = process.cpuUsage();
  const [w, c] = await pass(bytes);
  const cpu = process.cpuUsage(c0);
  const mem = instance.exports.mem.buffer.byteLength / 1048576;
  console.log(`run ${i + 1}: CPU ${ms((cpu.user + cpu.system) / 1000)}; write ${ms(w)}, close ${ms(c)}; WebAssembly memory ${Math.round(mem)} MB`);
}
process.exit(0);
