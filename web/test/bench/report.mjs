// Report benchmark (issue #13): a capture chosen through the page's file
// input in headless Chromium, every tool, timed from the file input to
//   - the first findings on screen ([data-key="findings"] or "findings-clean"),
//   - the report on screen (body[data-state="report"]),
// while the memory of every Chromium process this script started is sampled
// every 100 ms (the sum of their proportional set sizes, PSS, from
// /proc/PID/smaps_rollup, and the largest single process's RSS), and the
// page's main thread is sampled every 50 ms for stalls, and the CPU time the
// Chromium processes' threads used is summed (/proc/PID/task/TID/stat, sampled
// every 100 ms so that threads that end early count), with the busiest
// threads' (an analysis worker's CPU time is the pass's length on an idle
// machine; on a busy one the wall time says little). In the same run:
// `tshark -q -z conv,tcp -r FILE` (wall time) and the WebAssembly engine
// under Node over the same bytes (node-wasm.mjs FILE). Prints one block of
// figures; BENCH_RUNS runs (default 2), each in a fresh browser context, for
// each count of analysis workers in BENCH_WORKERS ("1,2": the page opened with
// ?workers=1, then ?workers=2; default: the page's own choice, one per core).
// The engine under Node is timed twice: a warm instance (memory already grown
// by earlier runs) and a fresh one's first run, which is what a page's worker
// does; the ratio that counts is to the warm one: under Node each growth of
// a fresh instance's memory costs a full JavaScript collection, which a
// Chromium worker does not pay (docs/benchmarks.md, fifth session). BENCH_NOMEM=1 skips the memory
// sampling: reading every process's smaps_rollup ten times a second slowed
// the page by about a tenth on this machine, so time runs without it. Each
// page is given its time to warm the engine up (body[data-engine="warm"], as a
// person opening the page before choosing a file); BENCH_WARMUP=0 opens it
// with ?warmup=0 (the engine compiled, not warmed up).
// The page's own clock (from the file input's change event to the report
// drawn) leaves out Playwright's setting of the file (0.2–0.5 s on a 500 MB
// file); both are given, each with its ratios.
// Usage: node web/test/bench/report.mjs FILE  (make bench-report FILE=… [BENCH_WORKERS=1,2])
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openPage, startServer } from "../e2e/helpers.mjs";

const file = process.argv[2] || process.env.BENCH_FILE || "/tmp/bench/real-1m.pcapng";
const runs = Number(process.env.BENCH_RUNS || 2);
const cold = process.env.BENCH_WARMUP === "0";
const workerCounts = (process.env.BENCH_WORKERS || "").split(",").filter(Boolean).map(Number);
const size = statSync(file).size;
const here = dirname(fileURLToPath(import.meta.url));
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** descendants lists the processes under pid (from /proc's parent links). */
function descendants(pid) {
  const kids = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push({ pid: Number(d), comm });
    } catch {
      /* gone */
    }
  }
  const out = [];
  const walk = (p) => {
    for (const k of kids.get(p) ?? []) {
      out.push(k);
      walk(k.pid);
    }
  };
  walk(pid);
  return out;
}

/**
 * memory sums PSS over Chromium's processes and finds the largest RSS and the
 * largest private memory (Private_Clean + Private_Dirty + Swap: pages no other
 * process shares, which Chromium's own task manager calls the footprint) (bytes).
 */
function memory() {
  let pss = 0;
  let rss = 0;
  let own = 0;
  for (const { pid, comm } of descendants(process.pid)) {
    if (!/chrom/i.test(comm)) continue;
    try {
      // Each line of smaps_rollup is "Field:   N kB".
      const kb = {};
      for (const [, f, n] of readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").matchAll(/^(\w+):\s+(\d+) kB/gm)) kb[f] = Number(n) * 1024;
      pss += kb.Pss ?? 0;
      rss = Math.max(rss, kb.Rss ?? 0);
      own = Math.max(own, (kb.Private_Clean ?? 0) + (kb.Private_Dirty ?? 0) + (kb.Swap ?? 0));
    } catch {
      /* gone */
    }
  }
  return { pss, rss, own };
}

/** threadTimes maps each thread of Chromium's processes ("pid/tid") to its name and CPU time so far (ms). */
function threadTimes() {
  const out = new Map();
  for (const { pid, comm } of descendants(process.pid)) {
    if (!/chrom/i.test(comm)) continue;
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(`${pid}/${tid}`, { name, ms: (Number(f[11]) + Number(f[12])) * 10 });
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

/** busiest lists the threads that used the most CPU time between two threadTimes snapshots. */
function busiest(before, after, n = 3) {
  return [...after.entries()]
    .map(([k, t]) => ({ name: t.name, ms: t.ms - (before.get(k)?.ms ?? 0) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

function tshark() {
  const t0 = performance.now();
  const r = spawnSync("tshark", ["-q", "-z", "conv,tcp", "-r", file], { stdio: ["ignore", "ignore", "ignore"] });
  return r.status === 0 ? performance.now() - t0 : NaN;
}

/** nodeEngine is the engine under Node: a warm instance's best run, and a fresh instance's first (as a page's worker runs). */
function nodeEngine() {
  const out = execFileSync("node", [join(here, "node-wasm.mjs"), file], { encoding: "utf8" });
  const m = /every tool\s+([\d,]+) packets\/s\s+([\d,]+) ms/.exec(out);
  const f = /first run, fresh\s+([\d,]+) ms/.exec(out);
  const num = (text) => (text ? Number(text.replace(/,/g, "")) : NaN);
  return { warm: num(m?.[2]), fresh: num(f?.[1]) };
}

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`capture:     ${file}, ${fmt(size)} bytes; load average ${load()}`);
// BENCH_TSHARK=0 skips tshark (memory runs).
const ts = process.env.BENCH_TSHARK === "0" ? [NaN, NaN] : [tshark(), tshark()];
if (!Number.isNaN(ts[0])) console.log(`tshark -q -z conv,tcp: ${ts.map(fmt).join(", ")} ms`);
// BENCH_NODE=0 skips the engine under Node (when another run of the same file measured it).
const engine = process.env.BENCH_NODE === "0" ? { warm: NaN, fresh: NaN } : nodeEngine();
const node = engine.warm;
if (!Number.isNaN(node)) {
  console.log(`wasm engine under Node (every tool, 4 MiB writes, summary as the page's worker makes it): warm instance ${fmt(node)} ms; fresh instance, first run ${fmt(engine.fresh)} ms`);
}

const server = await startServer();
const browser = await launch();
try {
  for (const [i, workers] of (workerCounts.length ? workerCounts : [0]).flatMap((w) => Array.from({ length: runs }, (_, i) => [i, w]))) {
    const query = [...(workers ? [`workers=${workers}`] : []), ...(cold ? ["warmup=0"] : [])].join("&");
    const { page, context } = await openPage(browser, query ? `${server.url}?${query}` : server.url, {}, (ctx) =>
      ctx.addInitScript(() => {
        const Base = window.Worker;
        window.Worker = class extends Base {
          constructor(url, opts) {
            super(url, opts);
            this.addEventListener("message", (e) => {
              if (e.data?.type === "result") window.__handed = (window.__handed ?? 0) + (e.data.summary ?? e.data.json ?? "").length;
            });
          }
        };
      }),
    );
    // A read of the File's byte stream that stalled (readBlob falls back to slices) is said on the console.
    const stalls = [];
    page.on("console", (m) => {
      if (m.text().includes("did not settle")) stalls.push(m.text());
    });
    await page.waitForFunction(() => document.body.dataset.state === "idle");
    // A person opens the page before choosing a file: the engine is compiled and warmed up
    // by then (BENCH_WARMUP=0: compiled only, the page's warm-up turned off).
    await page.waitForSelector(`body[data-engine="${cold ? "compiled" : "warm"}"]`, { state: "attached", timeout: 60_000 });
    await page.evaluate(() => {
      const w = window;
      w.__stall = 0;
      let last = performance.now();
      w.__timer = setInterval(() => {
        const now = performance.now();
        w.__stall = Math.max(w.__stall, now - last - 50);
        last = now;
      }, 50);
    });
    // What the workers hand the page (their summaries) is counted from the file's choice
    // (the Worker wrap is installed before the page loads: the warm-up's worker analyses the file).
    await page.evaluate(() => (window.__handed = 0));
    // The page's own clock, from the file input's change event: Playwright's polling lags under load.
    await page.evaluate(() => document.querySelector("#file-input").addEventListener("change", () => (window.__t0 = performance.now()), { capture: true }));
    const base = memory();
    let peak = base;
    // Threads are sampled too, so that one that ends before the report (the digest worker) is counted.
    const threads0 = threadTimes();
    const threadsSeen = new Map(threads0);
    const sampler = setInterval(() => {
      for (const [k, t] of threadTimes()) threadsSeen.set(k, t);
      if (process.env.BENCH_NOMEM === "1") return;
      const m = memory();
      peak = { pss: Math.max(peak.pss, m.pss), rss: Math.max(peak.rss, m.rss), own: Math.max(peak.own, m.own) };
    }, 100);
    const t0 = Date.now();
    let first = NaN;
    const firstFindings = page
      .waitForSelector('[data-key="findings"], [data-key="findings-clean"], [data-key="findings-early"]', { state: "attached", timeout: 900_000 })
      .then(() => (first = Date.now() - t0))
      .catch(() => undefined);
    await page.setInputFiles("#file-input", file);
    await page.waitForSelector('body[data-state="report"], body[data-state="error"]', { state: "attached", timeout: 900_000 });
    const ms = Date.now() - t0;
    for (const [k, t] of threadTimes()) threadsSeen.set(k, t);
    // Every thread's CPU time since the file was chosen (threads ended before then are not counted).
    const cpu = busiest(threads0, threadsSeen, Infinity).reduce((a, t) => a + Math.max(0, t.ms), 0);
    const top = busiest(threads0, threadsSeen, Number(process.env.BENCH_THREADS || 3));
    await firstFindings;
    const state = await page.evaluate(() => document.body.dataset.state);
    const shown = (await page.locator('[data-key="packet_count"]').first().textContent())?.replace(/,/g, "");
    const stall = await page.evaluate(() => {
      clearInterval(window.__timer);
      return window.__stall;
    });
    // Memory a second after the report is drawn (digests and late work included).
    await new Promise((r) => setTimeout(r, 1000));
    clearInterval(sampler);
    const after = memory();
    // The ratios to the runs made (BENCH_TSHARK=0 and BENCH_NODE=0 skip them).
    const ratios = (ms) => {
      const r = [];
      if (!Number.isNaN(ts[1])) r.push(`${(ts[1] / ms).toFixed(2)}× tshark's last run`);
      if (!Number.isNaN(node)) r.push(`${(ms / node).toFixed(2)}× the warm engine under Node`, `${(ms / engine.fresh).toFixed(2)}× a fresh one`);
      return r.length ? ` (${r.join(", ")})` : "";
    };
    const times = await page.evaluate(() => performance.getEntriesByType("measure").map((m) => [m.name, Math.round(m.duration)]));
    const handed = await page.evaluate(() => window.__handed ?? 0);
    const inPage = await page.evaluate(() => (performance.getEntriesByName("pcaplens:report").at(-1)?.startTime ?? NaN) - (window.__t0 ?? NaN));
    await context.close();
    console.log(
      `run ${i + 1}${workers ? ` (workers=${workers})` : ""}: ${state}, ${shown} packets; report on screen ${fmt(ms)} ms${ratios(ms)}; ` +
        `first findings ${fmt(first)} ms; by the page's clock, file chosen → report drawn ${fmt(inPage)} ms${ratios(inPage)}; longest main-thread stall ${fmt(stall)} ms` +
        (stalls.length ? `; STALLED READS: ${stalls.join(" | ")}` : ""),
    );
    console.log(
      `       CPU time of Chromium's processes until the report was on screen ${fmt(cpu)} ms (${(cpu / ms).toFixed(2)} cores busy); ` +
        `busiest threads ${top.map((t) => `${t.name} ${fmt(t.ms)} ms`).join(", ")}\n` +
        (process.env.BENCH_NOMEM === "1"
          ? "       memory: not sampled (BENCH_NOMEM=1)"
          : `       memory (Chromium, PSS summed): before ${fmt(base.pss / 1e6)} MB, peak ${fmt(peak.pss / 1e6)} MB, 1 s after ${fmt(after.pss / 1e6)} MB; largest process RSS before ${fmt(base.rss / 1e6)} MB, peak ${fmt(peak.rss / 1e6)} MB; largest private memory before ${fmt(base.own / 1e6)} MB, peak ${fmt(peak.own / 1e6)} MB`),
    );
    console.log(`       handed to the page: ${fmt(handed / 1e6)} MB of JSON text${times.length ? "; " + times.map(([n, d]) => `${n} ${fmt(d)} ms`).join(", ") : ""}`);
  }
  console.log(`load average at the end ${load()}`);
} finally {
  await browser.close();
  await server.close();
}
