// Packet-list benchmark in headless Chromium (issue #12): on a capture of
// about a million real frames (BENCH_CAPTURE, else built by
// packets-capture.sh into a temporary directory), the time from applying
// the display filter `tcp.analysis.retransmission` in the Packets tab to
// its match count on screen, and the time to show the detail of frames
// far down the list (read back through the frame index). tshark on the
// same file, timed in the same run, for comparison. The capture is chosen
// through the page's file input, as a person's file is; the analysis
// before it is not timed. Run by hand: make bench-packets (a few minutes).
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openPage, startServer, tmp } from "../e2e/helpers.mjs";

const FILTER = process.env.BENCH_FILTER || "tcp.analysis.retransmission";
const here = dirname(fileURLToPath(import.meta.url));
const dir = tmp();
let path = process.env.BENCH_CAPTURE;
if (!path) {
  path = join(dir, "packets.pcapng");
  execFileSync(join(here, "packets-capture.sh"), [path, process.env.BENCH_PACKETS || "1000000"], { stdio: "inherit" });
}
const size = statSync(path).size;
const fmt = (n) => Math.round(n).toLocaleString("en-US");

// tshark first, so the browser run is not sharing the CPU with it.
const t0 = Date.now();
const ts = spawnSync("sh", ["-c", `tshark -r "$1" -Y "$2" | wc -l`, "sh", path, FILTER], { encoding: "utf8", maxBuffer: 1 << 20 });
const tsharkMs = Date.now() - t0;
const tsharkCount = Number(ts.stdout.trim());

const server = await startServer();
const browser = await launch();
try {
  const { page, context } = await openPage(browser, server.url);
  await page.evaluate(() => localStorage.setItem("pcaplens.timeMode", "relative"));
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  const a0 = Date.now();
  await page.setInputFiles("#file-input", path);
  await page.waitForSelector('body[data-state="report"], body[data-state="error"]', { state: "attached", timeout: 900_000 });
  const analysisMs = Date.now() - a0;
  // The Packets tab: its first pass (every frame) builds the index and the
  // replay state.
  const p0 = Date.now();
  await page.click("#tab-packets");
  await page.waitForSelector('[data-key="packets-status"][data-done="true"]', { timeout: 900_000 });
  const firstPassMs = Date.now() - p0;
  const frames = Number(await page.getAttribute('[data-key="packets-status"]', "data-matched"));

  // The filter, timed in the page from Enter to the count of its finished
  // pass (the status goes to not-done, then done).
  await page.fill('[data-key="packets-filter"]', FILTER);
  await page.evaluate(() => {
    const w = window;
    const st = document.querySelector('[data-key="packets-status"]');
    const input = document.querySelector('[data-key="packets-filter"]');
    w.__bench = { start: 0, end: 0, running: false };
    input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !w.__bench.start) w.__bench.start = performance.now(); }, { capture: true });
    new MutationObserver(() => {
      if (st.dataset.done === "false") w.__bench.running = true;
      else if (w.__bench.running && !w.__bench.end) w.__bench.end = performance.now();
    }).observe(st, { attributes: true });
  });
  await page.press('[data-key="packets-filter"]', "Enter");
  await page.waitForFunction(() => window.__bench.end > 0, null, { timeout: 900_000, polling: 100 });
  const filterMs = await page.evaluate(() => window.__bench.end - window.__bench.start);
  const matched = Number(await page.getAttribute('[data-key="packets-status"]', "data-matched"));

  // Frames far down the list: scroll to the end, click the last row, time
  // its detail on screen.
  await page.fill('[data-key="packets-filter"]', "");
  await page.press('[data-key="packets-filter"]', "Enter");
  await page.waitForSelector('[data-key="packets-status"][data-done="true"]', { timeout: 900_000 });
  const details = [];
  for (const frac of [0.9, 0.5, 0.75]) {
    const d0 = Date.now();
    const no = await page.evaluate((frac) => {
      const scroller = document.querySelector(".pk-scroll");
      scroller.scrollTop = scroller.scrollHeight * frac;
      return null;
    }, frac);
    void no;
    await page.waitForSelector(".pk-body .pk-row:not(.pk-loading)", { timeout: 60_000 });
    const row = page.locator(".pk-body .pk-row:not(.pk-loading)").nth(3);
    const n = await row.getAttribute("data-no");
    const listMs = Date.now() - d0;
    const c0 = Date.now();
    await row.click();
    await page.waitForSelector('[data-key="packet-detail"] [data-field="frame.number"]', { timeout: 60_000 });
    details.push(`frame ${n}: rows ${fmt(listMs)} ms, detail ${fmt(Date.now() - c0)} ms`);
  }
  await context.close();
  console.log(`capture:     ${fmt(frames)} frames, ${fmt(size)} bytes (${path})`);
  console.log(`analysis:    ${fmt(analysisMs)} ms (every tool; not part of the figures below)`);
  console.log(`first pass:  ${fmt(firstPassMs)} ms (Packets tab opened to every frame listed: index and replay state)`);
  console.log(`filter:      ${FILTER}: ${fmt(matched)} matches in ${fmt(filterMs)} ms (Enter to the count)`);
  console.log(`tshark:      ${fmt(tsharkCount)} matches in ${fmt(tsharkMs)} ms (tshark -r FILE -Y FILTER | wc -l)`);
  console.log(`read back:   ${details.join("; ")}`);
  if (matched !== tsharkCount) {
    console.log("MISMATCH: the page's count differs from tshark's");
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
