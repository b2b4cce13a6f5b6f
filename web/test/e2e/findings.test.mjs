// The Findings tab and Copy for AI read the report's top-level "findings"
// (analysis/finding.Finding: kind, severity, tool, summary, count, frames,
// filter, subjects); a finding's link opens its tab at its evidence; a
// clean capture says what was seen; every tab shows its count.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, cliReport, openPage, text, usePage, withFindings } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const synscan = join(captures, "chrissanders--synscan.pcapng");

/** scanFindings are findings in the engine's shape for synscan, pointing at a connection deep in the list. */
function scanFindings() {
  const conns = cliReport(synscan, "tcp_connections").tcp_connections;
  assert.ok(conns.summary.total_connections > 1000, "synscan should have many connections");
  return [
    {
      kind: "tcp.port_scan",
      severity: "high",
      tool: "tcp_anomalies",
      summary: "172.16.0.8 sent SYNs to 1,991 ports of 64.13.134.52",
      count: 1991,
      frames: [1789, 1790],
      filter: "tcp.flags.syn == 1 && tcp.flags.ack == 0",
      subjects: ["172.16.0.8"],
    },
    { kind: "dns.test_info", severity: "info", tool: "dns", summary: "an informational finding", count: 1, frames: [3] },
  ];
}

describe("findings", () => {
  test("the Findings tab lists report.findings: severity, tool, summary, count, frames, filter with a copy button", async () => {
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(env.server.url).origin });
      await withFindings(page, scanFindings());
      await chooseFile(page, synscan);
      const items = page.locator("#panel-findings .finding");
      assert.equal(await items.count(), 2);
      const first = items.first();
      assert.equal(await first.getAttribute("data-finding"), "tcp.port_scan");
      assert.equal(await first.getAttribute("data-source"), "tcp");
      assert.equal(await first.locator(".badge").textContent(), "high");
      assert.equal(await first.locator(".finding-source").textContent(), "TCP");
      assert.equal(await first.locator(".finding-count").textContent(), "×1,991");
      // Frame numbers are identifiers: no thousands separators.
      assert.equal(await first.locator(".finding-frames").textContent(), "frames 1789, 1790 (first 2)");
      assert.equal(await first.locator('[data-key="finding-filter"]').textContent(), "tcp.flags.syn == 1 && tcp.flags.ack == 0");
      await first.locator("button", { hasText: "Copy as Wireshark filter" }).click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "tcp.flags.syn == 1 && tcp.flags.ack == 0");
      // A finding without a filter has no copy button.
      assert.equal(await items.nth(1).locator("button", { hasText: "Copy as Wireshark filter" }).count(), 0);
      assert.equal(await items.nth(1).getAttribute("data-source"), "dns");
      assert.equal(await items.nth(1).locator(".finding-frames").textContent(), "frame 3");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a finding's link opens its tab scrolled to its rows, highlighted (defect 10)", async () => {
    const conns = cliReport(synscan, "tcp_connections", ["--detailed"]).tcp_connections.connections;
    // A connection far down the list whose first frame no other connection names (first or last).
    const named = new Map();
    for (const c of conns) for (const f of new Set([c.first_frame, c.last_frame])) named.set(f, (named.get(f) ?? 0) + 1);
    const target = conns.slice(1200).find((c) => named.get(c.first_frame) === 1);
    assert.ok(target, "no connection to point at");
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await withFindings(page, [{ kind: "tcp.test", severity: "medium", tool: "tcp_connections", summary: "one connection deep in the list", count: 1, frames: [target.first_frame] }]);
      await chooseFile(page, synscan);
      await page.locator("#panel-findings .finding button.link").click();
      assert.equal(await page.getAttribute('[role=tab][aria-selected="true"]', "id"), "tab-tcp");
      const row = page.locator('#panel-tcp .tr[data-highlight="true"]').first();
      await row.waitFor({ state: "visible" });
      assert.equal(await page.locator('#panel-tcp .tr[data-highlight="true"]').count(), 1);
      // The highlighted row is that connection (its stream number is the first cell).
      assert.equal((await row.locator(".td").first().textContent()).trim(), String(target.stream));
      // It is on screen: inside its table's scrolled body and inside the window.
      const box = await row.boundingBox();
      const vp = page.viewportSize();
      assert.ok(box && box.y >= 0 && box.y + box.height <= vp.height, `row not in the window: ${JSON.stringify(box)}`);
      const inBody = await row.evaluate((r) => {
        const body = r.closest(".table-body");
        const a = r.getBoundingClientRect();
        const b = body.getBoundingClientRect();
        return body.scrollTop > 0 && a.top >= b.top && a.bottom <= b.bottom;
      });
      assert.ok(inBody, "the table did not scroll to the row");
      assert.match(await text(page, "#panel-tcp .table-highlight"), /^1 row highlighted$/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a clean capture's Findings says what was seen, from the reports' figures (defect 11)", async () => {
    const file = join(captures, "chrissanders--http_espn.pcapng");
    const r = cliReport(file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await withFindings(page, []);
      await chooseFile(page, file);
      const clean = await text(page, '[data-key="findings-clean"]');
      const conns = r.tcp_connections.summary.total_connections;
      const queries = r.dns.statistics.queries;
      assert.equal(clean, `${r.capinfos.packet_count} packets: ${conns} TCP connections, ${queries} DNS queries; nothing unusual.`);
      assert.equal(await page.locator("#panel-findings .finding").count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("each tab shows its count and tabs of analyses that saw nothing are dimmed (defect 11)", async () => {
    const file = join(captures, "chrissanders--http_espn.pcapng");
    const r = cliReport(file);
    const { page, context } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, file);
      assert.equal(await text(page, '[data-key="tab-count-tcp"]'), String(r.tcp_connections.summary.total_connections));
      assert.equal(await text(page, '[data-key="tab-count-dns"]'), String(r.dns.statistics.queries));
      for (const id of ["dhcp", "icmp", "sip"]) {
        assert.equal(await text(page, `[data-key="tab-count-${id}"]`), "0", id);
        assert.match(await page.getAttribute(`#tab-${id}`, "class"), /\bempty\b/, `${id} tab not dimmed`);
      }
      assert.doesNotMatch(await page.getAttribute("#tab-tcp", "class"), /\bempty\b/);
      assert.equal(await page.getAttribute('[data-key="tab-count-tcp"]', "title"), `${r.tcp_connections.summary.total_connections} TCP connections`);
    } finally {
      await context.close();
    }
  });
});

describe("Copy for AI", () => {
  /** aiText opens Copy for AI and returns its Markdown. */
  async function aiText(page) {
    await page.click("#copy-ai");
    await page.waitForFunction(() => document.querySelector("#ai-text").value.length > 0);
    return page.inputValue("#ai-text");
  }

  test("ICMP echo table with RTT, no empty Unreachables heading, no TCP block without TCP; findings with filters (defect 1)", async () => {
    const file = join(captures, "chrissanders--icmp_echo.pcapng");
    const r = cliReport(file);
    assert.equal(r.tcp_connections.summary.total_connections, 0, "the capture should have no TCP");
    const { page, context } = await openPage(env.browser, env.server.url);
    try {
      await withFindings(page, [{ kind: "icmp.test", severity: "low", tool: "icmp", summary: "a test finding", count: 4, frames: [1, 3], filter: "icmp.type == 8" }]);
      await chooseFile(page, file);
      const md = await aiText(page);
      assert.match(md, /\nEcho \(ping\) per destination:\n\| source \| destination \| sent \| received \|/);
      const d = r.icmp.echo.destinations[0];
      assert.match(md, new RegExp(`\\| ${d.source.replace(/\./g, "\\.")} \\| ${d.destination.replace(/\./g, "\\.")} \\| ${d.transmitted} \\| ${d.received} \\|`));
      assert.match(md, /RTT avg/);
      assert.match(md, /round-trip time: min [\d.]+ ms, median [\d.]+ ms/);
      assert.doesNotMatch(md, /Unreachables:/);
      assert.doesNotMatch(md, /### TCP/);
      assert.match(md, /- \*\*low\*\* \[ICMP\] a test finding \(count 4; frames 1, 3 \(first 2\); Wireshark filter `icmp\.type == 8`\)/);
    } finally {
      await context.close();
    }
  });

  test("SIP calls have their final status; DNS has rcodes and response times; no line cut mid-word (defect 1)", async () => {
    const sipFile = join(captures, "sip-call-rejected.pcap");
    const sip = cliReport(sipFile).sip;
    const call = sip.calls[0];
    assert.ok(call.status_code > 0);
    const { page, context } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, sipFile);
      let md = await aiText(page);
      assert.match(md, new RegExp(`\\| ${call.state} \\| ${call.status_code}${call.reason ? " " + call.reason : ""} \\|`), "the final column is empty");
      await page.click("#ai-close");
      const dnsFile = join(captures, "chrissanders--dns_query_nonexistent.pcapng");
      await chooseFile(page, dnsFile);
      md = await aiText(page);
      assert.match(md, /- response codes: NXDOMAIN 1/);
      assert.match(md, /- response time: median 29\.678 ms/);
      // Every table cell and line ends at a word: no cell ends inside a word cut at 120 characters.
      for (const line of md.split("\n")) for (const cell of line.split(" | ")) assert.ok(cell.length <= 400, `long cell: ${cell.slice(0, 80)}…`);
    } finally {
      await context.close();
    }
  });
});
