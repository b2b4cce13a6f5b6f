// Tables (web/src/ui/table.ts): time columns read as Wireshark's time
// display formats (relative, delta, absolute; page-wide, remembered),
// tooltips on time and cut-off cells, resizable columns (pointer and
// keyboard), no horizontal scroll at 1366 px, identifiers without
// thousands separators.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, cliReport, nextFrames, openPage, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const espn = join(captures, "chrissanders--http_espn.pcapng");

/** ns reads RFC 3339 UTC as nanoseconds since the epoch (BigInt, exact). */
function ns(rfc) {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(rfc);
  return BigInt(Date.parse(m[1] + "Z")) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** secs formats b − a (RFC 3339) as seconds with 6 decimals, as Wireshark's time column. */
function secs(a, b) {
  return (Number(ns(b) - ns(a)) / 1e9).toFixed(6);
}

/** cells reads the texts of one column (by header data-key) in the first table of a panel, in display order. */
async function column(page, panel, key) {
  return page.evaluate(
    ({ panel, key }) => {
      const wrap = document.querySelector(`${panel} .table-wrap`);
      const heads = [...wrap.querySelectorAll(".thead .th")];
      const i = heads.findIndex((h) => h.dataset.key === key);
      return [...wrap.querySelectorAll(".table-rows .tr")].map((tr) => tr.children[i].textContent);
    },
    { panel, key },
  );
}

describe("tables", () => {
  test("time columns: seconds since the first packet by default, delta and UTC on demand, remembered (defect 9)", async () => {
    const r = cliReport(espn, "capinfos,dns", ["--detailed"]);
    const t0 = r.capinfos.first_packet_time_utc;
    const { page, context, problems } = await openPage(env.browser, env.server.url, { viewport: { width: 1366, height: 768 } });
    try {
      await page.evaluate(() => localStorage.removeItem("pcaplens.timeMode"));
      await chooseFile(page, espn);
      await page.click("#tab-dns");
      // Sorted by query frame, ascending.
      const qf = page.locator("#panel-dns .table-wrap").first().locator('.th[data-key="query_frame"]');
      while ((await qf.getAttribute("aria-sort")) !== "ascending") await qf.locator("button").click();
      const txs = [...r.dns.transactions].sort((a, b) => a.query_frame - b.query_frame);
      const rel = await column(page, "#panel-dns", "time");
      assert.equal(rel[0], secs(t0, txs[0].time));
      assert.equal(rel[3], secs(t0, txs[3].time));
      assert.equal(rel[1], "0.144300");
      assert.match(await page.locator('#panel-dns .table-wrap .th[data-key="time"]').first().textContent(), /^Time \(s\)/);
      // The cell's tooltip is the absolute instant.
      assert.equal(await page.locator("#panel-dns .table-rows .tr .td.time").nth(1).getAttribute("title"), "2010-04-07 17:29:29.927234 UTC");
      // Delta: from the row above.
      await page.locator("#panel-dns select.table-time").first().selectOption("delta");
      const delta = await column(page, "#panel-dns", "time");
      assert.equal(delta[0], "0.000000");
      assert.equal(delta[2], secs(txs[1].time, txs[2].time));
      // Absolute: the UTC date and time, whole (the column widens).
      await page.locator("#panel-dns select.table-time").first().selectOption("absolute");
      const abs = await column(page, "#panel-dns", "time");
      assert.equal(abs[1], "2010-04-07 17:29:29.927234");
      const cut = await page.locator("#panel-dns .table-rows .tr .td.time").first().evaluate((td) => td.scrollWidth > td.clientWidth + 1);
      assert.equal(cut, false, "the absolute time is cut off");
      // Remembered: a new page shows absolute time.
      await page.reload();
      await chooseFile(page, espn);
      await page.click("#tab-dns");
      assert.equal(await page.locator("#panel-dns select.table-time").first().inputValue(), "absolute");
      assert.match((await column(page, "#panel-dns", "time"))[0], /^2010-04-07 17:29:/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a cut-off cell gets its whole text as a tooltip; columns resize by drag and by keyboard (defect 9)", async () => {
    const { page, context } = await openPage(env.browser, env.server.url, { viewport: { width: 1366, height: 768 } });
    try {
      await chooseFile(page, espn);
      await page.click("#tab-dns");
      const wrap = page.locator("#panel-dns .table-wrap").first();
      const head = wrap.locator('.th[data-key="name"]');
      const w0 = (await head.boundingBox()).width;
      // Drag the header's right edge 80 px to the right.
      const handle = head.locator(".col-resize");
      await handle.scrollIntoViewIfNeeded();
      const hb = await handle.boundingBox();
      await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
      await page.mouse.down();
      await page.mouse.move(hb.x + hb.width / 2 + 80, hb.y + hb.height / 2, { steps: 4 });
      await page.mouse.up();
      const w1 = (await head.boundingBox()).width;
      assert.ok(Math.abs(w1 - w0 - 80) < 6, `width ${w0} → ${w1}`);
      // The rows follow the header.
      const cellW = await wrap.locator(".table-rows .tr").first().evaluate((tr, i) => tr.children[i].getBoundingClientRect().width, 3);
      assert.ok(Math.abs(cellW - w1) < 1.5, `cell ${cellW} vs header ${w1}`);
      // Keyboard: arrows on the focused handle.
      await handle.focus();
      await page.keyboard.press("ArrowLeft");
      await page.keyboard.press("ArrowLeft");
      const w2 = (await head.boundingBox()).width;
      assert.ok(w2 < w1 - 10, `ArrowLeft: ${w1} → ${w2}`);
      // Narrow the column until names are cut: hovering a cut cell shows the whole name.
      for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowLeft");
      const cell = wrap.locator(".table-rows .tr").nth(4).locator(".td").nth(3);
      await cell.hover();
      const full = await cell.textContent();
      assert.ok(await cell.evaluate((td) => td.scrollWidth > td.clientWidth), "the name is not cut");
      assert.equal(await cell.getAttribute("title"), full);
    } finally {
      await context.close();
    }
  });

  test("at 1366 px the tables of every tab fit without a horizontal scroll (defect 9)", async () => {
    const { page, context } = await openPage(env.browser, env.server.url, { viewport: { width: 1366, height: 768 } });
    try {
      await page.evaluate(() => localStorage.removeItem("pcaplens.timeMode"));
      await chooseFile(page, espn);
      const over = [];
      for (const id of ["overview", "tcp", "dns"]) {
        await page.click(`#tab-${id}`);
        // The tables fit their columns to their width once laid out (a ResizeObserver, then a frame).
        await nextFrames(page);
        over.push(
          ...(await page.evaluate(
            (id) =>
              [...document.querySelectorAll(`#panel-${id} .table-wrap`)]
                .filter((w) => w.offsetParent !== null)
                .map((w) => {
                  const b = w.querySelector(".table-body");
                  return { id, table: w.querySelector(".vtable").getAttribute("aria-label"), scroll: b.scrollWidth - b.clientWidth };
                })
                .filter((x) => x.scroll > 1),
            id,
          )),
        );
      }
      assert.deepEqual(over, []);
    } finally {
      await context.close();
    }
  });

  test("ports have no thousands separators (defect 8)", async () => {
    const r = cliReport(espn, "overview");
    const conv = r.overview.conversations.tcp.find((c) => c.port_a >= 1000);
    assert.ok(conv, "no conversation with a port of four digits or more");
    const { page, context } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, espn);
      await page.click("#tab-overview");
      const ports = await column(page, '#panel-overview [data-conversations="tcp"]', "port_a");
      assert.ok(ports.includes(String(conv.port_a)), `port ${conv.port_a} not shown plainly: ${ports.slice(0, 5)}`);
      assert.ok(ports.every((p) => !p.includes(",")), `a port with a separator: ${ports.filter((p) => p.includes(","))}`);
    } finally {
      await context.close();
    }
  });
});
