// Browser benchmark: packets per second of the WebAssembly analysis in
// headless Chromium, on a capture generated here (BENCH_PACKETS packets,
// default 300,000), read through the page exactly as a person's file is
// (file input → worker → 4 MiB slices → bridge). Prints the figures and the
// size of pcaplens.wasm (raw and gzip -9). Run: make bench-browser.
import { rmSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeCapture } from "../gen.mjs";
import { dist, launch, openPage, startServer, tmp } from "../e2e/helpers.mjs";

const packets = Number(process.env.BENCH_PACKETS || 300_000);
const runs = Number(process.env.BENCH_RUNS || 3);
const dir = tmp();
const path = join(dir, "bench.pcap");
const size = writeCapture(path, packets);

const server = await startServer();
const browser = await launch();
try {
  const { page, context } = await openPage(browser, server.url);
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  const results = [];
  for (let i = 0; i < runs; i++) {
    await page.evaluate(() => (document.body.dataset.state = "idle"));
    const t0 = Date.now();
    await page.setInputFiles("#file-input", path);
    await page.waitForSelector('body[data-state="report"], body[data-state="error"]', { state: "attached", timeout: 600_000 });
    const ms = Date.now() - t0;
    const shown = (await page.locator('[data-key="packet_count"]').first().textContent())?.replace(/,/g, "");
    if (Number(shown) !== packets) throw new Error(`page shows ${shown} packets, want ${packets}`);
    results.push(ms);
  }
  await context.close();
  const best = Math.min(...results);
  const wasm = readFileSync(join(dist, "pcaplens.wasm"));
  const gz = gzipSync(wasm, { level: 9 }).length;
  const fmt = (n) => n.toLocaleString("en-US");
  console.log(`capture:        ${fmt(packets)} packets, ${fmt(size)} bytes (synthetic Ethernet/IPv4 TCP+UDP)`);
  console.log(`runs (ms):      ${results.join(", ")} (server: ${server.kind})`);
  console.log(`browser:        ${fmt(Math.round(packets / (best / 1000)))} packets/s, ${fmt(Math.round(size / (best / 1000) / 1e6))} MB/s (best run, every tool, file input to report on screen)`);
  console.log(`pcaplens.wasm:  ${fmt(wasm.length)} bytes raw, ${fmt(gz)} bytes gzip -9`);
  const js = ["main.js", "worker.js", "main.css", "wasm_exec.js", "index.html"].reduce((s, f) => s + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
  console.log(`whole app gzip: ${fmt(gz + js)} bytes (wasm + ${fmt(js)} of HTML/JS/CSS)`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
