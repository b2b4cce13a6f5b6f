// Tables over lists the page holds only in part (issue #13): the worker keeps
// the reports and sends the page a summary whose lists hold their first rows;
// a table over a longer list pages it from the worker, sorted, filtered and
// exported to CSV there. synscan has 1,994 TCP connections.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { captures, chooseFile, cliReport, openPage, usePage } from "./helpers.mjs";

const env = usePage();
const synscan = join(captures, "chrissanders--synscan.pcapng");

/** conns reads the TCP connections table: its count label and the streams of the rows drawn. */
async function conns(page) {
  return page.evaluate(() => {
    const wrap = document.querySelector('#panel-tcp [data-key="tcp-conn-table"] .table-wrap');
    const heads = [...wrap.querySelectorAll(".thead .th")];
    const i = heads.findIndex((h) => h.dataset.key === "stream");
    const rows = [...wrap.querySelectorAll(".table-rows .tr")];
    return {
      count: wrap.querySelector(".table-count").textContent,
      streams: rows.filter((tr) => !tr.classList.contains("loading")).map((tr) => Number(tr.children[i].textContent)),
      loading: rows.filter((tr) => tr.classList.contains("loading")).length,
      drawn: rows.length,
    };
  });
}

/** settledRows waits until the drawn rows are all loaded and returns them. */
async function settledRows(page) {
  await page.waitForFunction(() => document.querySelectorAll('#panel-tcp [data-key="tcp-conn-table"] .table-rows .tr.loading').length === 0);
  return conns(page);
}

describe("tables paged from the worker", () => {
  test("a list of 1,994 rows: the page holds its first rows, scrolls, sorts, filters and exports the whole list", async () => {
    const r = cliReport(synscan, "", ["--detailed"]);
    const all = r.tcp_connections.connections;
    assert.ok(all.length > 1000);
    // ?warmup=0: the engine's warm-up is an analysis too, whose summary the watch below would take.
    const { page, context, problems } = await openPage(env.browser, `${env.server.url}?warmup=0`, { acceptDownloads: true });
    try {
      // The summary the worker sends holds 100 rows of the list, and says how long it is
      // (the summary of the worker that runs the TCP analysis, when several share the file).
      // The lists the page asks the worker for are recorded too.
      const seen = page.evaluate(
        () =>
          new Promise((resolve) => {
            const Base = window.Worker;
            window.__asked = [];
            window.Worker = class extends Base {
              constructor(url, opts) {
                super(url, opts);
                this.addEventListener("message", (e) => {
                  if (e.data?.type === "result" && "tcp_connections" in JSON.parse(e.data.summary).report) resolve(e.data.summary);
                });
              }
              postMessage(msg, ...rest) {
                if (msg?.type === "rows") window.__asked.push(msg.query.path);
                return super.postMessage(msg, ...rest);
              }
            };
          }),
      );
      await chooseFile(page, synscan);
      const summary = JSON.parse(await seen);
      assert.equal(summary.lists["tcp_connections.connections"], all.length);
      assert.equal(summary.report.tcp_connections.connections.length, 100);
      assert.deepEqual(summary.report.tcp_connections.connections, all.slice(0, 100));
      assert.ok(summary.report.findings.length > 0, "the findings come whole");

      await page.click("#tab-tcp");
      // The summary's rows are drawn at once: no placeholders, no round trip to the worker.
      let t = await conns(page);
      assert.equal(t.loading, 0, "the first rows wait for the worker");
      assert.deepEqual(await page.evaluate(() => window.__asked.filter((p) => p === "tcp_connections.connections")), []);
      assert.equal(t.count, `${all.length.toLocaleString("en-US")} rows`);
      assert.deepEqual(t.streams, all.slice(0, t.drawn).map((c) => c.stream));
      assert.ok(t.drawn < 60, `${t.drawn} rows drawn`);

      // The end of the list: the rows come from the worker.
      const body = page.locator('#panel-tcp [data-key="tcp-conn-table"] .table-body');
      await body.focus();
      await page.keyboard.press("End");
      t = await settledRows(page);
      assert.equal(t.streams.at(-1), all.at(-1).stream);

      // Sorted by packets, biggest first (a click on a numeric header), over the whole list.
      const byPackets = [...all].sort((a, b) => b.packet_count - a.packet_count || all.indexOf(a) - all.indexOf(b));
      await page.locator('#panel-tcp [data-key="tcp-conn-table"] .th[data-key="packet_count"] button').click();
      await page.keyboard.press("Home");
      t = await settledRows(page);
      assert.deepEqual(t.streams.slice(0, 5), byPackets.slice(0, 5).map((c) => c.stream));

      // Sorted by bytes (a column computed from two fields: the worker sums them).
      const bytes = (c) => c.client_to_server.ip_bytes + c.server_to_client.ip_bytes;
      await page.locator('#panel-tcp [data-key="tcp-conn-table"] .th[data-key="bytes"] button').click();
      t = await settledRows(page);
      assert.equal(bytes(all.find((c) => c.stream === t.streams[0])), Math.max(...all.map(bytes)));

      // Filtered by words over the whole list: a client deep in the list.
      // (A connection whose server address and port no other row has, past the summary's rows.)
      const deep = all.slice(1000).find((c) => all.filter((x) => JSON.stringify(x).includes(`"${c.server}"`)).length === 1);
      assert.ok(deep);
      const hits = all.filter((c) => JSON.stringify(c).includes(deep.server));
      // Typed a key at a time, slower than the box's wait, so that each key is a query
      // of the worker: the narrowing words read only the rows the last ones kept, and a
      // query still waiting when the next comes is dropped; the last one's rows show.
      await page.type('#panel-tcp [data-key="tcp-conn-table"] .table-filter', deep.server, { delay: 80 });
      await page.waitForFunction((want) => document.querySelector('#panel-tcp [data-key="tcp-conn-table"] .table-count').textContent === want, `${hits.length.toLocaleString("en-US")} of ${all.length.toLocaleString("en-US")} rows`);
      t = await settledRows(page);
      assert.deepEqual([...t.streams].sort((a, b) => a - b), hits.map((c) => c.stream).sort((a, b) => a - b));
      // A click on it shows its details (the row came from the worker).
      await page.locator(`#panel-tcp [data-key="tcp-conn-table"] .table-rows .tr:nth-child(${t.streams.indexOf(deep.stream) + 1})`).click();
      await page.waitForSelector(`[data-key="tcp-detail"][data-stream="${deep.stream}"]`);

      // CSV of the filtered list, then of the whole list.
      await page.fill('#panel-tcp [data-key="tcp-conn-table"] .table-filter', "");
      await page.waitForFunction((want) => document.querySelector('#panel-tcp [data-key="tcp-conn-table"] .table-count').textContent === want, `${all.length.toLocaleString("en-US")} rows`);
      const [dl] = await Promise.all([page.waitForEvent("download"), page.locator('#panel-tcp [data-key="tcp-conn-table"] .table-csv').click()]);
      const lines = readFileSync(await dl.path(), "utf8").trimEnd().split("\r\n");
      assert.equal(lines.length, all.length + 1);
      assert.match(lines[0], /^stream,client,server,/);

      // Download JSON is the CLI's document, digests included.
      const [json] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
      const got = JSON.parse(readFileSync(await json.path(), "utf8"));
      assert.equal(got.tcp_connections.connections.length, all.length);
      assert.match(got.capinfos.sha256, /^[0-9a-f]{64}$/);
      assert.equal(got.capinfos.sha256, r.capinfos.sha256);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
