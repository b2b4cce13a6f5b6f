// First-findings benchmark (issue #13): a capture chosen through the page's
// file input in headless Chromium, every tool, timed by the page's own clock
// from the file input's change event (the page has the file) to
//   - the first findings on screen: the findings known so far under the
//     progress bar ([data-key="findings-early"]), or the report's findings
//     when none came before it (a build without them, or a small file),
//   - the report on screen (body[data-state="report"]),
// and where the first findings' time went: the worker ready, the first
// progress message. BENCH_RUNS runs (default 5), each in a fresh browser
// context (the WebAssembly module compiled afresh: a first-time visitor).
// Usage: node web/test/bench/first-findings.mjs FILE
//        (PCAPLENS_BIN=other/bin/pcaplens serves another build's page)
import { readFileSync, statSync } from "node:fs";
import { launch, openPage, startServer } from "../e2e/helpers.mjs";

const file = process.argv[2] || process.env.BENCH_FILE;
if (!file) throw new Error("usage: first-findings.mjs FILE");
const runs = Number(process.env.BENCH_RUNS || 5);
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const ms = (n) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString("en-US")} ms` : "—");
console.log(`capture: ${file}, ${statSync(file).size.toLocaleString("en-US")} bytes; load average ${load()}`);

const server = await startServer();
const browser = await launch();
const firsts = [];
try {
  for (let i = 0; i < runs; i++) {
    // The workers' messages are watched from before the page loads (a page
    // left open long enough starts the first file's worker while idle).
    const { page, context } = await openPage(browser, server.url, {}, (ctx) =>
      ctx.addInitScript(() => {
        const w = window;
        w.__t = {};
        const Base = window.Worker;
        window.Worker = class extends Base {
          constructor(url, opts) {
            super(url, opts);
            this.addEventListener("message", (e) => {
              const m = e.data;
              if (m?.type === "ready") w.__t.ready = performance.now(); // the last worker started (the spare, if the file went to it)
              if (m?.type === "progress" && w.__t.chosen !== undefined) w.__t.progress ??= performance.now();
            });
          }
        };
      }),
    );
    await page.waitForFunction(() => document.body.dataset.state === "idle");
    await page.evaluate(() => {
      const w = window;
      document.querySelector("#file-input").addEventListener("change", () => (w.__t.chosen = performance.now()), { capture: true });
      const sel = '[data-key="findings-early"], [data-key="findings"], [data-key="findings-clean"]';
      new MutationObserver(() => {
        if (w.__t.first === undefined && document.querySelector(sel)) {
          w.__t.first = performance.now();
          w.__t.early = !!document.querySelector('[data-key="findings-early"]');
          w.__t.what = [...document.querySelectorAll('[data-key="findings-early"] li')].map((li) => [...li.children].map((c) => c.textContent).join(" ")).slice(0, 2);
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.setInputFiles("#file-input", file);
    await page.waitForSelector('body[data-state="report"], body[data-state="error"]', { state: "attached", timeout: 900_000 });
    const t = await page.evaluate(() => ({ ...window.__t, report: performance.getEntriesByName("pcaplens:report").at(-1)?.startTime ?? performance.now() }));
    await context.close();
    const rel = (x) => (x ?? NaN) - t.chosen;
    firsts.push(rel(t.first));
    console.log(
      `run ${i + 1}: first findings ${ms(rel(t.first))} (${t.early ? "so far, during the pass" : "the report's"}); worker ready ${ms(rel(t.ready))}, ` +
        `first progress message ${ms(rel(t.progress))}; report on screen ${ms(rel(t.report))}; load ${load()}`,
    );
    if (t.what?.length) console.log(`       ${t.what.join(" | ")}`);
  }
  firsts.sort((a, b) => a - b);
  console.log(`first findings: median ${ms(firsts[firsts.length >> 1])}, best ${ms(firsts[0])}`);
} finally {
  await browser.close();
  await server.close();
}
