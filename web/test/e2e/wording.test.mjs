// End-to-end tests of how the views word and order what they show (issue #11,
// defect 8): ports, frame numbers and stream numbers without thousands
// separators; "1 packet", not "1 packets"; plain words instead of internal
// names (server_heavy, snake_case pattern names, a bare asymmetry ratio);
// count charts without "Category: —" placeholders; SIP response codes in
// code order.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, cliReport, dropFile, openPage, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

/** columnTexts reads the rendered cells of one column (by its key) of the table under scope. */
async function columnTexts(page, scope, key) {
  return page.evaluate(
    ({ scope, key }) => {
      const root = document.querySelector(scope);
      if (!root) return null;
      const heads = [...root.querySelectorAll(".thead .th")];
      const i = heads.findIndex((th) => th.dataset.key === key);
      if (i < 0) return null;
      return [...root.querySelectorAll(".table-rows .tr")].map((tr) => tr.children[i]?.textContent?.trim() ?? "");
    },
    { scope, key },
  );
}

const snake = /\b[a-z]+_[a-z_]+\b/;

describe("wording of the views", () => {
  test("ports have no thousands separators; traffic flow in plain words", async () => {
    const file = "chrissanders--http_espn.pcapng";
    const report = cliReport(join(captures, file));
    const ports = report.overview.conversations.tcp.map((c) => String(c.port_a));
    assert.ok(ports.some((p) => p.length > 3), "the capture has a port of 4 digits or more");
    const { page, context, problems } = await openPage(env.browser, env.server.url, { viewport: { width: 1366, height: 768 } });
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-overview");
      const shown = await columnTexts(page, '[data-conversations="tcp"]', "port_a");
      assert.ok(shown && shown.length > 0, "the TCP conversations table shows port A");
      for (const p of shown) assert.match(p, /^\d+$/, `port shown as ${p}`);
      const eps = await columnTexts(page, '[data-endpoints="tcp"]', "port");
      for (const p of eps) assert.match(p, /^\d+$/, `endpoint port shown as ${p}`);

      await page.click("#tab-tcp");
      const flow = report.tcp_connections.servers[0];
      assert.equal(flow.analysis.data_flow_direction, "server_heavy");
      const direction = await text(page, '#panel-tcp [data-key="tcp-flow-direction"]');
      assert.equal(direction, "the server");
      const ratio = await text(page, '#panel-tcp [data-key="tcp-flow-asymmetry"]');
      assert.match(ratio, /^1 : \d+(\.\d)?$/, `asymmetry shown as ${ratio}`);
      const labels = await page.locator("#panel-tcp .tcp-flow .card-label").allTextContents();
      for (const l of labels) assert.doesNotMatch(l, /asymmetry/i);
      const flowText = await page.locator("#panel-tcp .tcp-flow").first().textContent();
      assert.doesNotMatch(flowText, snake, "no internal names in the traffic flow");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("findings in words; stream and frame numbers without separators; 1 packet", async () => {
    const file = "chrissanders--synscan.pcapng";
    const report = cliReport(join(captures, file));
    const one = report.tcp_connections.connections.find((c) => c.client_to_server.packets === 1);
    assert.ok(one, "a listed connection has one packet from the client");
    const { page, context, problems } = await openPage(env.browser, env.server.url, { viewport: { width: 1366, height: 768 } });
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-tcp");
      const states = await columnTexts(page, '[data-key="tcp-conn-table"]', "state");
      for (const st of states) assert.doesNotMatch(st, /_/, `state shown as ${st}`);
      const findings = await page.locator("#panel-tcp [data-finding]").allTextContents();
      assert.ok(findings.length > 0, "findings are listed");
      // Their text is words: the kinds (tcp.port_scan) and filters are the only snake_case, in code.
      const words = await page.locator("#panel-tcp [data-finding] button.link").allTextContents();
      for (const n of words) assert.doesNotMatch(n, /\w_\w/, `finding shown as ${n}`);

      const streams = await columnTexts(page, '[data-key="tcp-conn-table"]', "stream");
      const pos = streams.indexOf(String(one.stream));
      assert.ok(pos >= 0, `stream ${one.stream} is in the table`);
      await page.locator('[data-key="tcp-conn-table"] .table-rows .tr').nth(pos).dispatchEvent("click");
      const detail = await page.locator('[data-key="tcp-detail"]').textContent();
      assert.doesNotMatch(detail, snake, "no internal names in the connection's detail");
      assert.match(detail, /[^\d,]1 packet,/);
      assert.doesNotMatch(detail, /[^\d,]1 packets/);
      assert.doesNotMatch(detail, /frame \d{1,3},\d{3}/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("count charts show every figure, with no legend placeholders", async () => {
    const file = "chrissanders--dns_query_nonexistent.pcapng";
    const report = cliReport(join(captures, file), "dns");
    const { page, context, problems } = await openPage(env.browser, env.server.url, { viewport: { width: 1366, height: 768 } });
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-dns");
      const rcodes = page.locator('#panel-dns [data-key="dns-rcodes"]');
      await rcodes.waitFor();
      const panel = await page.locator("#panel-dns").textContent();
      assert.doesNotMatch(panel, /Category/);
      assert.doesNotMatch(panel, /: —/);
      for (const [code, n] of Object.entries(report.dns.statistics.rcodes)) {
        const row = rcodes.locator(`[data-category="${code}"]`);
        assert.equal(await row.locator("td.num").textContent(), n.toLocaleString("en-US"));
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("SIP response codes in code order", async () => {
    const file = "sip-call-rtp.pcap";
    const report = cliReport(join(captures, file), "sip");
    const codes = Object.keys(report.sip.statistics.status_codes);
    const byCount = [...codes].sort((a, b) => report.sip.statistics.status_codes[b] - report.sip.statistics.status_codes[a]);
    const byCode = [...codes].sort((a, b) => Number(a) - Number(b));
    assert.notDeepEqual(byCount, byCode, "the capture tells the two orders apart");
    const { page, context, problems } = await openPage(env.browser, env.server.url, { viewport: { width: 1366, height: 768 } });
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-sip");
      const shown = await page.locator('#panel-sip [data-key="sip-status-codes"] [data-category]').evaluateAll((rows) => rows.map((r) => r.dataset.category));
      assert.deepEqual(shown, byCode);
      assert.doesNotMatch(await page.locator("#panel-sip").textContent(), /Category/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
