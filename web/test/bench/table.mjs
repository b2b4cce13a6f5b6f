// Report tables of very many rows (issue #13): a generated capture of
// TABLE_ROWS TCP SYNs (default 500,000), each from its own address and port,
// so tcp_connections lists that many connections (the tracker's cap is
// 500,000). In headless Chromium, the TCP tab's connection table is scrolled
// to random places, sorted by four columns (the last again, the other way)
// and filtered (at once, then typed a key at a time), while a 50 ms timer
// samples the page's main thread: prints, for each action, the time until
// its rows are on screen and the longest main-thread stall.
// Run: node web/test/bench/table.mjs (make bench-table).
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { launch, openPage, startServer, tmp } from "../e2e/helpers.mjs";
import { pcapHeader } from "../gen.mjs";

const rows = Number(process.env.TABLE_ROWS || 500_000);
const dir = tmp();
const path = join(dir, "syns.pcap");

/** writeSyns writes n TCP SYNs from distinct clients to one server. */
function writeSyns(file, n) {
  const fd = openSync(file, "w");
  writeSync(fd, pcapHeader(1));
  const rec = 16 + 14 + 20 + 20;
  const batch = Buffer.alloc(rec * 4096);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const o = k * rec;
    const t = 1_700_000_000 * 1e6 + i * 10;
    batch.writeUInt32LE(Math.floor(t / 1e6), o);
    batch.writeUInt32LE(t % 1e6, o + 4);
    batch.writeUInt32LE(54, o + 8);
    batch.writeUInt32LE(54, o + 12);
    const f = o + 16;
    batch.fill(0, f, f + 54);
    batch.writeUInt16BE(0x0800, f + 12);
    batch[f + 14] = 0x45;
    batch.writeUInt16BE(40, f + 16);
    batch[f + 22] = 64;
    batch[f + 23] = 6;
    batch.writeUInt32BE(0x0a000000 + 1 + Math.floor(i / 60000), f + 26);
    batch.writeUInt32BE(0xc0a80001, f + 30);
    batch.writeUInt16BE(1024 + (i % 60000), f + 34);
    batch.writeUInt16BE(443, f + 36);
    batch.writeUInt32BE(i * 7919, f + 38);
    batch[f + 46] = 0x50;
    batch[f + 47] = 0x02; // SYN
    batch.writeUInt16BE(65535, f + 48);
    if (++k === 4096) {
      writeSync(fd, batch);
      k = 0;
    }
  }
  if (k) writeSync(fd, batch.subarray(0, k * rec));
  closeSync(fd);
}

writeSyns(path, rows);
const server = await startServer();
const browser = await launch();
const fmt = (n) => Math.round(n).toLocaleString("en-US");
try {
  const { page, context } = await openPage(browser, server.url, { viewport: { width: 1366, height: 900 } });
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  const t0 = Date.now();
  await page.setInputFiles("#file-input", path);
  await page.waitForSelector('body[data-state="report"]', { state: "attached", timeout: 900_000 });
  console.log(`capture: ${fmt(rows)} SYNs; report on screen in ${fmt(Date.now() - t0)} ms; load average ${(await import("node:fs")).readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  const table = '#panel-tcp [data-key="tcp-conn-table"]';
  await page.click("#tab-tcp");
  await page.waitForSelector(`${table} .table-rows .tr`);
  console.log(`table: ${await page.textContent(`${table} .table-count`)}`);
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
  /**
   * act runs an action and waits until its rows are on screen: drawn for the
   * place scrolled to (not "loading"), and, when given, until want(table) holds
   * (the count or the sort shown). Returns the longest main-thread stall.
   */
  async function act(what, fn, want = {}) {
    await page.evaluate(() => (window.__stall = 0));
    const t = Date.now();
    await fn();
    await page.waitForFunction(
      ([sel, want]) => {
        const body = document.querySelector(`${sel} .table-body`);
        const rs = [...document.querySelectorAll(`${sel} .table-rows .tr`)];
        if (rs.length === 0 || rs.some((r) => r.classList.contains("loading"))) return false;
        const rh = rs[0].getBoundingClientRect().height || 28;
        const first = Number(rs[0].dataset.pos);
        // The rows drawn are those of the place scrolled to (8 rows of margin above).
        if (Math.abs(first - Math.max(0, Math.floor(body.scrollTop / rh) - 8)) > 2) return false;
        const t = document.querySelector(sel);
        if (want.sort && !t.querySelector(`.th[data-key="${want.sort}"][aria-sort${want.order ? `="${want.order}"` : ""}]`)) return false;
        if (want.filtered !== undefined && / of /.test(t.querySelector(".table-count").textContent) !== want.filtered) return false;
        if (want.filterText !== undefined && t.querySelector("[data-filter]")?.dataset.filter !== want.filterText) return false;
        return true;
      },
      [table, want],
      { timeout: 120_000 },
    );
    const ms = Date.now() - t;
    const stall = await page.evaluate(() => window.__stall);
    console.log(`${what.padEnd(34)} ${fmt(ms).padStart(6)} ms to rows on screen, longest main-thread stall ${fmt(Math.max(0, stall))} ms`);
    return stall;
  }
  const body = `${table} .table-body`;
  let worst = 0;
  for (const f of [0.5, 0.9, 0.1, 0.999, 0.3]) {
    worst = Math.max(worst, await act(`scroll to ${f * 100}%`, () => page.$eval(body, (b, f) => (b.scrollTop = f * b.scrollHeight), f)));
  }
  for (const k of ["packet_count", "client", "bytes", "stream"]) {
    worst = Math.max(worst, await act(`sort by ${k}`, () => page.click(`${table} .th[data-key="${k}"] button`), { sort: k }));
  }
  // The same column again: the other way, from the last sort's runs of equal values.
  const order = await page.$eval(`${table} .th[data-key="stream"]`, (h) => (h.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending"));
  worst = Math.max(worst, await act("sort by stream the other way", () => page.click(`${table} .th[data-key="stream"] button`), { sort: "stream", order }));
  worst = Math.max(worst, await act("filter 10.0.0.5:", () => page.fill(`${table} .table-filter`, "10.0.0.5:"), { filtered: true }));
  worst = Math.max(worst, await act("clear the filter", () => page.fill(`${table} .table-filter`, ""), { filtered: false }));
  // As a person types: a key every 150 ms, each a query of the worker.
  worst = Math.max(worst, await act("type 10.0.0.5: a key at a time", () => page.type(`${table} .table-filter`, "10.0.0.5:", { delay: 150 }), { filtered: true, filterText: "10.0.0.5:" }));
  worst = Math.max(worst, await act("clear the filter", () => page.fill(`${table} .table-filter`, ""), { filtered: false }));
  console.log(`longest main-thread stall over every action: ${fmt(worst)} ms`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
