// The UI kit on its own: web/src/ui bundled on the fly with esbuild and put
// in a blank page served by the app (so the app's CSS applies).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { build } from "esbuild";
import { launch, root, startServer } from "./helpers.mjs";

let server, browser, context, page;

const entry = `
import * as dom from "./web/src/ui/dom";
import * as table from "./web/src/ui/table";
import * as chart from "./web/src/ui/chart";
import * as cards from "./web/src/ui/cards";
import * as format from "./web/src/ui/format";
export { dom, table, chart, cards, format };
`;

before(async () => {
  const out = await build({
    stdin: { contents: entry, resolveDir: root, loader: "ts" },
    bundle: true, write: false, format: "iife", globalName: "kit", absWorkingDir: root, logLevel: "silent",
  });
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  await page.goto(server.url);
  // The page's CSP forbids inline scripts: evaluate() is how the test gets code in.
  await page.evaluate(out.outputFiles[0].text + ";window.kit = kit;");
  await page.evaluate(() => {
    document.querySelector("main").replaceChildren(Object.assign(document.createElement("div"), { id: "root" }));
  });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe("ui kit", () => {
  test("h() sets text, never markup", async () => {
    const html = await page.evaluate(() => {
      const { h } = window.kit.dom;
      const el = h("p", { class: ["a", false, "b"], "data-x": 1, title: "<t>" }, "<img src=x onerror=alert(1)>", 42, null, [h("b", null, "bold")]);
      let refused = false;
      try {
        h("div", { innerHTML: "<b>x</b>" });
      } catch {
        refused = true;
      }
      return { html: el.outerHTML, refused };
    });
    assert.equal(html.html, '<p class="a b" data-x="1" title="&lt;t&gt;">&lt;img src=x onerror=alert(1)&gt;42<b>bold</b></p>');
    assert.equal(html.refused, true);
  });

  test("table: 100,000 rows render only what is visible; sort, filter, keyboard, CSV", async () => {
    const info = await page.evaluate(async () => {
      const { table } = window.kit;
      const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: i % 10 === 0 ? `=cmd${i}` : `host-${i}`, bytes: (i * 7919) % 100_003 }));
      const clicked = [];
      const t = table.createTable({
        label: "Hosts",
        columns: [
          { key: "id", title: "ID", numeric: true },
          { key: "name", title: "Name" },
          { key: "bytes", title: "Bytes", numeric: true },
        ],
        rows,
        onRowClick: (r) => clicked.push(r.id),
      });
      document.getElementById("root").append(t.el);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const domRows = t.el.querySelectorAll(".table-rows .tr").length;
      window.__t = t;
      window.__clicked = clicked;
      return { domRows, count: t.el.querySelector(".table-count").textContent };
    });
    assert.ok(info.domRows > 5 && info.domRows < 100, `${info.domRows} rows in the DOM`);
    assert.equal(info.count, "100,000 rows");

    // Sort by Bytes (numbers: biggest first), then again (ascending).
    await page.click('.th[data-key="bytes"] button');
    let first = await page.textContent(".table-rows .tr:first-child .td:nth-child(3)");
    assert.equal(first, "100,002");
    assert.equal(await page.getAttribute('.th[data-key="bytes"]', "aria-sort"), "descending");
    await page.focus('.th[data-key="bytes"] button');
    await page.keyboard.press("Enter");
    first = await page.textContent(".table-rows .tr:first-child .td:nth-child(3)");
    assert.equal(first, "0");

    // Scroll to the end: the last rows are rendered.
    await page.evaluate(() => {
      const b = document.querySelector(".table-body");
      b.scrollTop = b.scrollHeight;
    });
    await page.waitForFunction(() => document.querySelector(".table-rows .tr:last-child .td:nth-child(3)")?.textContent === "100,002");

    // Filter.
    await page.fill(".table-filter", "host-9999");
    // host-9999 and host-99991…99999 (host-99990 is "=cmd99990").
    await page.waitForFunction(() => document.querySelector(".table-count").textContent.startsWith("10 of"));
    // Keyboard: focus the body, Down, Enter → row callback.
    await page.focus(".table-body");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const clicked = await page.evaluate(() => window.__clicked);
    assert.equal(clicked.length, 1);

    // CSV of the filtered rows; formula-like cells are neutralised.
    await page.evaluate(() => window.__t.setFilter("=cmd10"));
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(".table-toolbar button")]);
    assert.equal(download.suggestedFilename(), "hosts.csv");
    const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
    assert.equal(csv[0], "id,name,bytes");
    assert.ok(csv.length > 1);
    assert.ok(csv.slice(1).every((l) => l.split(",")[1].startsWith("'=cmd10")), csv.slice(0, 3).join(" | "));
    await page.evaluate(() => document.getElementById("root").replaceChildren());
  });

  test("charts draw with uPlot and follow the width", async () => {
    const n = await page.evaluate(() => {
      const { chart } = window.kit;
      const x = Array.from({ length: 1000 }, (_, i) => 1_700_000_000 + i);
      const root = document.getElementById("root");
      root.append(
        chart.timeSeries({ title: "Packets/s", x, series: [{ label: "packets", values: x.map((_, i) => i % 50) }], bars: true }),
        chart.barChart({ title: "Codes", categories: ["NOERROR", "NXDOMAIN"], series: [{ label: "responses", values: [10, 3] }] }),
        chart.histogram({ title: "RTT", bins: [{ start: 0, end: 0.01, count: 4 }, { start: 0.01, end: 0.02, count: 9 }] }),
      );
      return root.querySelectorAll(".chart-plot").length;
    });
    assert.equal(n, 3);
    // A chart draws once it is laid out and knows its width.
    await page.waitForFunction(() => [...document.querySelectorAll("#root .chart-plot")].every((p) => p.querySelector("canvas")));
    assert.equal(await page.locator("#root canvas").count(), 3);
    // A series of one second (a short capture) spans seconds, not years.
    await page.evaluate(() => {
      const { chart } = window.kit;
      const root = document.getElementById("root");
      root.replaceChildren(
        chart.timeSeries({ title: "one", x: [1_700_000_000], series: [{ label: "packets", values: [9] }], bars: true }),
        chart.timeSeries({ title: "two", x: [1_700_000_000, 1_700_000_010], series: [{ label: "packets", values: [9, 3] }] }),
      );
    });
    await page.waitForFunction(() => [...document.querySelectorAll("#root .chart-plot")].every((e) => e.dataset.xSpan !== undefined));
    const spans = await page.$$eval("#root .chart-plot", (els) => els.map((e) => Number(e.dataset.xSpan)));
    assert.deepEqual(spans, [2, 10]);
    // Bars stand on zero: a count of 1 beside 2 is half as tall, not a sliver.
    await page.evaluate(() => {
      const { chart } = window.kit;
      const root = document.getElementById("root");
      root.replaceChildren(
        chart.barChart({ title: "Codes", categories: ["NOERROR", "NXDOMAIN"], series: [{ label: "responses", values: [2, 1] }] }),
        chart.histogram({ title: "RTT", bins: [{ start: 0, end: 0.01, count: 40 }, { start: 0.01, end: 0.02, count: 39 }] }),
      );
    });
    await page.waitForFunction(() => [...document.querySelectorAll("#root .chart-plot")].every((e) => e.dataset.yMin !== undefined));
    const mins = await page.$$eval("#root .chart-plot", (els) => els.map((e) => Number(e.dataset.yMin)));
    assert.deepEqual(mins, [0, 0]);
    // The time axis speaks UTC, 24-hour, ISO dates, with the decimals the step needs.
    const ticks = await page.evaluate(() => {
      const { chart } = window.kit;
      return [
        chart.timeTicks([1_699_999_980, 1_700_000_040, 1_700_006_400], 60),
        chart.timeTicks([1_700_000_000.1, 1_700_000_000.2], 0.1),
        chart.timeTicks([1_699_920_000, 1_700_006_400], 86400),
      ];
    });
    assert.deepEqual(ticks, [
      ["22:13\n2023-11-14", "22:14", "00:00\n2023-11-15"],
      ["22:13:20.1\n2023-11-14", ":20.2"],
      ["2023-11-14", "2023-11-15"],
    ]);
  });

  test("format", async () => {
    const f = await page.evaluate(() => {
      const { format } = window.kit;
      return [
        format.bytes(999), format.bytes(1234567), format.bitRate(9_600_000), format.count(1234567), format.duration(0.0125),
        format.duration(3725), format.utc("2016-01-08T20:59:15.346584Z"), format.utc("2016-01-08T20:59:15.1234567Z", 9),
        format.utc(1452286755.5), format.percent(0.256), format.text(undefined),
      ];
    });
    assert.deepEqual(f, [
      "999 bytes", "1.23 MB", "9.60 Mbit/s", "1,234,567", "12.5 ms",
      "1 h 02 min 05 s", "2016-01-08 20:59:15.346584 UTC", "2016-01-08 20:59:15.123456700 UTC",
      "2016-01-08 20:59:15.500000 UTC", "25.6%", "—",
    ]);
  });
});
