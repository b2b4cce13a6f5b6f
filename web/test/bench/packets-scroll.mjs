// Packets-list scrolling benchmark in headless Chromium (issue #12, "sortable
// tables that stay smooth at a million rows"): on a capture of about a
// million frames (BENCH_CAPTURE, else built by packets-capture.sh into a
// temporary directory), the Packets tab's virtualised list is moved through
// the whole file: jumps to 10 %, 50 %, 99 % and the end of the scroll range,
// back to the top, and a continuous scroll of a few thousand rows (100 px a
// frame, as a wheel turned steadily).
// For each step: the time from the scroll to the rows of the new position
// drawn (every row of the view holds its No., no "…" placeholder), and the
// longest main-thread stall (PerformanceObserver 'longtask', tasks over
// 50 ms) from the scroll until SETTLE ms after the rows are drawn. The
// same again with the filter `tcp` (most frames match). The analysis and
// the filter passes before the steps are not timed; each of the two runs
// analyses the capture afresh in a new browser context. Target: no stall over
// 100 ms, rows drawn within ~200 ms of a jump.
// Run by hand: make bench-packets-scroll (a few minutes).
import { execFileSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openPage, startServer, tmp } from "../e2e/helpers.mjs";

const FILTER = process.env.BENCH_FILTER || "tcp";
const SETTLE = 500;
const here = dirname(fileURLToPath(import.meta.url));
const dir = tmp();
let path = process.env.BENCH_CAPTURE;
if (!path) {
  path = join(dir, "packets.pcapng");
  execFileSync(join(here, "packets-capture.sh"), [path, process.env.BENCH_PACKETS || "1000000"], { stdio: "inherit" });
}
const size = statSync(path).size;
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const load = () => loadavg().map((x) => x.toFixed(2)).join(", ");

/** install puts the step helpers into the page: a longtask record, and
 * __step(action) that runs an action and resolves when the view's rows are
 * all drawn and the main thread has been quiet for SETTLE ms. */
async function install(page) {
  await page.evaluate((SETTLE) => {
    const w = window;
    w.__lt = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__lt.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: "longtask", buffered: false });
    const body = document.querySelector(".pk-body");
    const scroller = document.querySelector(".pk-scroll");
    const first = () => body.querySelector(".pk-row")?.dataset.i ?? "";
    const drawn = () => body.querySelector(".pk-row") !== null && body.querySelector(".pk-loading") === null;
    // A step ends when the rows are drawn; the stall figure covers until
    // SETTLE ms after that (late page loads and repaints count).
    w.__step = (kind, arg) =>
      new Promise((resolve, reject) => {
        const before = first();
        const t0 = performance.now();
        let drawnAt = 0;
        let moved = false;
        let frames = 0;
        let blankFrames = 0;
        let worstFrame = 0;
        let lastFrame = t0;
        let wheelLeft = kind === "wheel" ? arg.events : 0;
        let from = t0; // a scroll's rows are timed from its last step
        const tick = (now) => {
          frames++;
          worstFrame = Math.max(worstFrame, now - lastFrame);
          lastFrame = now;
          if (!drawn()) blankFrames++;
          if (wheelLeft > 0) {
            // A steady scroll: arg.delta px a frame, as a wheel turned
            // continuously (set on scrollTop, so the figure is the list's, not
            // the browser's smooth-scroll animation).
            scroller.scrollTop += arg.delta;
            wheelLeft--;
            from = now;
          }
          if (first() !== before) moved = true;
          if (!drawnAt && moved && wheelLeft === 0 && drawn()) drawnAt = now;
          if (drawnAt && now - drawnAt >= SETTLE) {
            const stalls = w.__lt.filter((e) => e.start + e.dur >= t0);
            const rows = Array.from(body.querySelectorAll(".pk-row"));
            resolve({
              drawnMs: drawnAt - from,
              scrollMs: from - t0,
              stallMs: stalls.reduce((m, e) => Math.max(m, e.dur), 0),
              stalls: stalls.length,
              frames,
              blankFrames,
              worstFrameMs: worstFrame,
              firstIndex: Number(rows[0]?.dataset.i),
              firstNo: Number(rows[0]?.dataset.no),
              lastNo: Number(rows[rows.length - 1]?.dataset.no),
              rows: rows.length,
            });
            return;
          }
          if (now - t0 > 60_000) {
            reject(new Error(`step ${kind} ${JSON.stringify(arg)}: rows not drawn after 60 s (first ${first()}, drawn ${drawn()})`));
            return;
          }
          requestAnimationFrame(tick);
        };
        if (kind === "jump") {
          const max = scroller.scrollHeight - scroller.clientHeight;
          scroller.scrollTop = arg >= 1 ? scroller.scrollHeight : Math.round(max * arg);
        }
        requestAnimationFrame(tick);
      });
  }, SETTLE);
}

/** steps moves the list through the file and returns one line per step. */
async function steps(page, label) {
  const out = [];
  const total = Number(await page.getAttribute('[data-key="packets-status"]', "data-matched"));
  const run = async (name, kind, arg) => {
    const r = await page.evaluate(([k, a]) => window.__step(k, a), [kind, arg]);
    out.push({ label, name, ...r });
    console.log(
      `${label.padEnd(10)} ${name.padEnd(18)} rows drawn ${fmt(r.drawnMs).padStart(5)} ms${kind === "wheel" ? ` after the last step (scroll ${fmt(r.scrollMs)} ms)` : ""}  longest stall ${fmt(r.stallMs).padStart(4)} ms (${r.stalls} over 50 ms)  ` +
        `worst frame ${fmt(r.worstFrameMs)} ms, ${r.blankFrames}/${r.frames} frames with "…" rows  view: rows ${fmt(r.firstIndex)}.., frames ${r.firstNo}–${r.lastNo} of ${fmt(total)}`,
    );
  };
  await run("jump 10 %", "jump", 0.1);
  await run("jump 50 %", "jump", 0.5);
  await run("jump 99 %", "jump", 0.99);
  await run("jump end", "jump", 1);
  await run("jump top", "jump", 0);
  await run("jump 50 % again", "jump", 0.5);
  // ~3,000 rows: 240 notches of 100 px, one a frame (the list scales 1 px to
  // total/scroll-range rows past its 8 M px cap).
  await run("scroll 240×100 px", "wheel", { events: 240, delta: 100 });
  return out;
}

/** open analyses the capture in a new browser context and lists it in the
 * Packets tab, filtered by filter when given: each run starts with cold
 * caches (the worker keeps rows it has built by frame number, so a second
 * run in the same page would be served from the first's). */
async function open(browser, url, filter) {
  const { page, context } = await openPage(browser, url, { viewport: { width: 1280, height: 900 } });
  await page.evaluate(() => localStorage.setItem("pcaplens.timeMode", "relative"));
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  await page.setInputFiles("#file-input", path);
  await page.waitForSelector('body[data-state="report"], body[data-state="error"]', { state: "attached", timeout: 900_000 });
  await page.click("#tab-packets");
  await page.waitForSelector('[data-key="packets-status"][data-done="true"]', { timeout: 900_000 });
  if (filter) {
    await page.fill('[data-key="packets-filter"]', filter);
    await page.press('[data-key="packets-filter"]', "Enter");
    await page.waitForSelector('[data-key="packets-status"][data-done="false"]', { state: "attached", timeout: 60_000 }).catch(() => {});
    await page.waitForSelector('[data-key="packets-status"][data-done="true"]', { timeout: 900_000 });
  }
  await page.waitForSelector(".pk-body .pk-row[data-no]", { timeout: 60_000 });
  const matched = Number(await page.getAttribute('[data-key="packets-status"]', "data-matched"));
  const viewRows = await page.evaluate(() => document.querySelectorAll(".pk-body .pk-row").length);
  console.log(`${filter ? `filter ${filter}` : "all frames"}: ${fmt(matched)} listed, ${viewRows} rows in view`);
  await install(page);
  return { page, context };
}

const server = await startServer();
const browser = await launch();
let results = [];
try {
  console.log(`capture:     ${fmt(size)} bytes (${path})`);
  console.log(`load before: ${load()}`);
  for (const filter of ["", FILTER]) {
    const { page, context } = await open(browser, server.url, filter);
    results = results.concat(await steps(page, filter || "all"));
    await context.close();
  }
  const worstStall = Math.max(...results.map((r) => r.stallMs));
  const worstJump = Math.max(...results.filter((r) => r.name.startsWith("jump")).map((r) => r.drawnMs));
  console.log(`worst:       longest main-thread stall ${fmt(worstStall)} ms (target ≤ 100), slowest jump ${fmt(worstJump)} ms (target ~200)`);
  console.log(`load after:  ${load()}`);
  if (worstStall > 100 || worstJump > 200) process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
