// Large-file check in the browser: a generated capture of about 1 GB
// (LARGE_PACKETS packets, default 3,200,000) chosen through the page's file
// input, analysed with every tool. While it runs, the page's main thread is
// sampled every 50 ms: the longest stall says whether the page froze. Prints
// the time, packets/s, the longest stall and the page's JS heap at the end.
// Run: make bench-large (takes about a minute or two).
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeCapture } from "../gen.mjs";
import { launch, openPage, startServer, tmp } from "../e2e/helpers.mjs";

const packets = Number(process.env.LARGE_PACKETS || 3_200_000);
const dir = tmp();
const path = join(dir, "large.pcap");
writeCapture(path, packets);
const size = statSync(path).size;

const server = await startServer();
const browser = await launch();
try {
  const { page, context } = await openPage(browser, server.url);
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  await page.evaluate(() => {
    const w = window;
    w.__stall = 0;
    let last = performance.now();
    w.__timer = setInterval(() => {
      const now = performance.now();
      if (now - last - 50 > w.__stall) {
        w.__stall = now - last - 50;
        w.__stallEnd = now;
      }
      last = now;
    }, 50);
  });
  const t0 = Date.now();
  await page.setInputFiles("#file-input", path);
  // Progress must move while the file is read.
  await page.waitForFunction(() => /\d/.test(document.querySelector("#progress, [role=progressbar]")?.textContent ?? ""), null, { timeout: 60_000 }).catch(() => {});
  await page.waitForSelector('body[data-state="report"], body[data-state="error"]', { state: "attached", timeout: 900_000 });
  const ms = Date.now() - t0;
  const state = await page.evaluate(() => document.body.dataset.state);
  const shown = (await page.locator('[data-key="packet_count"]').first().textContent())?.replace(/,/g, "");
  // When the longest stall ended, in ms before the report was on screen (0: the final render).
  const [stall, before] = await page.evaluate(() => {
    clearInterval(window.__timer);
    const report = performance.getEntriesByName("pcaplens:report").at(-1)?.startTime ?? performance.now();
    return [window.__stall, Math.max(0, report - (window.__stallEnd ?? report))];
  });
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  await context.close();
  const fmt = (n) => Math.round(n).toLocaleString("en-US");
  console.log(`capture:       ${fmt(packets)} packets, ${fmt(size)} bytes`);
  console.log(`state:         ${state}; page shows ${shown} packets`);
  console.log(`time:          ${fmt(ms)} ms, ${fmt(packets / (ms / 1000))} packets/s, ${fmt(size / (ms / 1000) / 1e6)} MB/s`);
  console.log(`longest stall: ${fmt(stall)} ms of the page's main thread, ending ${fmt(before)} ms before the report was on screen`);
  console.log(`page JS heap:  ${fmt(heap / 1e6)} MB after the report is on screen`);
  if (state !== "report" || Number(shown) !== packets) process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
