// The WebAssembly engine under Node (no page, no worker): packets/s per tool
// selection on a generated capture, to tell engine cost from page cost.
// It runs what the page runs: the session is opened with externalDigests
// and closed with closeSummary, so the file's SHA256 and SHA1 are not
// computed in Go (the page's digest worker computes them beside the
// analysis) and the full report is not written out (the page asks for the
// summary, then pages through the lists), with the page's options
// (detailed, max_packets 20,000).
// Usage: node web/test/bench/node-wasm.mjs [packets]
//        node web/test/bench/node-wasm.mjs FILE   (every tool only, over that capture)
// Each figure is the best of two runs (after a warm-up run): wall time, and
// the process's CPU time (steadier than wall time on a shared machine).
// PCAPLENS_WASM=path runs another module than dist's (an unstripped one for
// node --cpu-prof, say).
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeCapture } from "../gen.mjs";
import { tmp } from "../e2e/helpers.mjs";
import { engine } from "./engine.mjs";

const given = process.argv[2] && existsSync(process.argv[2]) ? process.argv[2] : null;
let packets = Number((!given && process.argv[2]) || 300_000);
let bytes;
if (given) {
  bytes = new Uint8Array(readFileSync(given));
} else {
  const dir = tmp();
  const path = join(dir, "bench.pcap");
  writeCapture(path, packets);
  bytes = new Uint8Array(readFileSync(path));
  rmSync(dir, { recursive: true, force: true });
}

const { api } = await engine();

console.log("wasm engine under Node, as the page runs it: page options (detailed, maxPackets 20,000), digests supplied externally, closeSummary");
const sets = given ? [[], []] : [[], ["capinfos"], ...api.tools.filter((t) => t !== "capinfos").map((t) => [t]), []];
// The first run warms the engine up (V8 tiers the module up while it runs).
// It is also what a page's analysis is: a fresh instance, whose memory grows
// as the pass goes (a warm instance reuses memory an earlier run grew), so
// its time is printed too.
let first = 0;
for (const [i, tools] of sets.entries()) {
  let best = Infinity;
  let bestCPU = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const s = api.open({ tools, detailed: true, maxPackets: 20_000, externalDigests: true });
    for (let off = 0; off < bytes.length; off += 4 << 20) await s.write(bytes.subarray(off, off + (4 << 20)));
    await s.closeSummary({ sha256: "", sha1: "" });
    s.dispose();
    if (given) packets = s.progress().packets;
    if (first === 0) first = performance.now() - t0;
    best = Math.min(best, performance.now() - t0);
    const c = process.cpuUsage(c0);
    bestCPU = Math.min(bestCPU, (c.user + c.system) / 1000);
  }
  if (i === 0) {
    console.log(`${"first run, fresh".padEnd(22)} ${"".padStart(10)}           ${Math.round(first).toLocaleString("en-US").padStart(8)} ms`);
    continue;
  }
  console.log(`${(tools.join(",") || "every tool").padEnd(22)} ${Math.round(packets / (best / 1000)).toLocaleString("en-US").padStart(10)} packets/s ${Math.round(best).toLocaleString("en-US").padStart(8)} ms ${Math.round(bestCPU).toLocaleString("en-US").padStart(8)} ms CPU`);
}
process.exit(0);
