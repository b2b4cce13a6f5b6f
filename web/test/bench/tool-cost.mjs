// What each analyzer costs the WebAssembly engine under Node, per packet of a
// capture: the figures of wasm/plan.go (decodeCost, analyzerCost), by which
// the page splits the analyzers among its workers. It times a pass with every
// analyzer and one pass with each analyzer alone, each closed with
// closeSummary as the page's workers close theirs (best of RUNS, after a
// warm-up pass), in CPU time (the machine may be busy); with F analyzers, the
// pass alone of analyzer f costs decode + c(f) and the pass with all of them
// decode + Σ c, so decode = (Σ alone − all) / (F − 1).
// Then it times the groups of the plan for 2 and 3 workers (the table the
// module was built with), each alone.
// Usage: make dist, then node web/test/bench/tool-cost.mjs FILE [RUNS]
// (the figures committed were measured on /tmp/bench/r120.pcap).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { engine } from "./engine.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node web/test/bench/tool-cost.mjs FILE [RUNS]");
  process.exit(2);
}
const runs = Number(process.argv[3] || 3);
const bytes = new Uint8Array(readFileSync(file));

const { api } = await engine();

let packets = 0;
/** pass times one pass over the capture with these tools (every tool when empty): CPU ms. */
async function pass(tools) {
  const t0 = cpu();
  const s = api.open({ tools, externalDigests: true });
  for (let off = 0; off < bytes.length; off += 4 << 20) await s.write(bytes.subarray(off, off + (4 << 20)));
  // As the page's workers: the reports are built, and the summary the page gets.
  await s.closeSummary({ sha256: "0".repeat(64), sha1: "0".repeat(40) });
  packets = s.progress().packets;
  s.dispose();
  return cpu() - t0;
}

/** cpu is the CPU time this process has used, in ms: the module runs on this thread, and the machine may be busy with other work. */
function cpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function best(tools) {
  let t = Infinity;
  for (let i = 0; i < runs; i++) t = Math.min(t, await pass(tools));
  return t;
}

await pass([]); // warm-up: V8 tiers the module up while it runs
const all = await best([]);
const alone = {};
for (const f of api.factories) alone[f.name] = await best(Array.from(f.tools));
const names = Object.keys(alone);
const sum = names.reduce((a, n) => a + alone[n], 0);
const decode = (sum - all) / (names.length - 1);
const perPacket = (ms) => (ms * 1e6) / packets;
console.log(`// ${file}: ${packets.toLocaleString("en-US")} packets; every analyzer ${Math.round(all)} CPU ms; best of ${runs}`);
for (const n of names) console.log(`//   ${n} alone: ${Math.round(alone[n])} CPU ms`);
console.log(`const decodeCost = ${Math.round(perPacket(decode))}`);
console.log("var analyzerCost = map[string]float64{");
for (const n of names) console.log(`\t${JSON.stringify(n)}: ${Math.max(0, Math.round(perPacket(alone[n] - decode)))},`);
console.log("}");
// How the plan the module holds shares the analyzers out, each group timed alone as above.
for (const n of [2, 3]) {
  const groups = api.plan({}, n);
  const times = [];
  for (const g of groups) times.push(await best(Array.from(g)));
  console.log(`// plan for ${n} workers: ${groups.map((g, i) => `[${Array.from(g).join(" ")}] ${Math.round(times[i])} CPU ms`).join("; ")}`);
}
process.exit(0);
