// Every TCP connection, conversation, DNS transaction and SIP call links to
// its packets: select a row, and the bar above its rows shows the row's
// Wireshark display filter, "Copy as Wireshark filter" puts it on the
// clipboard and "Show packets" opens the Packets tab with it, listing the
// frames `pcaplens packets -Y FILTER --json` lists.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { bin, captures, cliReport, dropFile, filterTable, openPage, packetsListed, usePage } from "./helpers.mjs";

const env = usePage();
const web = join(captures, "chrissanders--http_espn.pcapng");
const sipCall = join(captures, "sip-call-rtp.pcap");

/** cliFrames is what the CLI's filter selects: its frame numbers. */
function cliFrames(filter, file) {
  return JSON.parse(execFileSync(bin, ["packets", "--json", "-Y", filter, file], { encoding: "utf8", maxBuffer: 1 << 28 })).map((r) => r.no);
}

/** smallest picks the row with the fewest frames (at least min) so that the packet list shows them all. */
function smallest(rows, count, min = 2) {
  return rows.filter((r) => count(r) >= min).sort((a, b) => count(a) - count(b))[0];
}

/**
 * followRow opens a tab, narrows the table labelled `label` to one row with its
 * filter box, selects that row and checks the actions above its rows: the
 * filter shown is `filter`, copying it puts it on the clipboard, and "Show
 * packets" lists the CLI's frames for it in the Packets tab.
 */
async function followRow(page, file, { tab, label, narrow, filter, frames }) {
  await page.click(`#tab-${tab}`);
  const wrap = page.locator(`#panel-${tab} .table-wrap`, { has: page.locator(`.vtable[aria-label="${label}"]`) });
  const actions = wrap.locator('[data-key="row-actions"]');
  assert.match(await actions.textContent(), /^Select a /, "the bar says what selecting a row does");
  await filterTable(wrap, narrow);
  await wrap.locator(".table-rows .tr").first().click();
  await actions.locator('[data-key="row-filter"]').waitFor();
  assert.equal(await actions.locator('[data-key="row-filter"]').textContent(), filter);

  const copy = actions.locator('[data-key="copy-filter"]');
  assert.equal(await copy.getAttribute("data-filter"), filter);
  await copy.click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), filter);

  const want = cliFrames(filter, file);
  assert.ok(want.length > 0 && want.length <= 30, `the row's filter selects a few frames (${want.length})`);
  assert.deepEqual(want, [...frames].sort((a, b) => a - b), "the CLI's filter selects the row's frames");
  await actions.locator('[data-key="show-packets"]').click();
  // The Packets tab may still list the previous row's filter: wait for this one's.
  assert.equal(await packetsListed(page, filter), want.length);
  assert.equal(await page.inputValue('[data-key="packets-filter"]'), filter);
  await page.waitForSelector(`.pk-body .pk-row[data-no="${want.at(-1)}"]`);
  const listed = await page.$$eval(".pk-body .pk-row:not(.pk-loading)", (rows) => rows.map((r) => Number(r.dataset.no)));
  assert.deepEqual(listed, want);
}

describe("links from rows to their packets", () => {
  test("TCP connection, DNS transaction, overview conversations", async () => {
    const { page, problems } = await openPage(env.browser, env.server.url, { permissions: ["clipboard-read", "clipboard-write"] });
    try {
      const r = cliReport(web);
      await dropFile(page, web);

      // A TCP connection: its stream.
      const conn = smallest(r.tcp_connections.connections, (c) => c.packet_count, 5);
      const connFrames = cliFrames(`tcp.stream == ${conn.stream}`, web);
      assert.equal(connFrames.length, conn.packet_count);
      await followRow(page, web, { tab: "tcp", label: "TCP connections", narrow: conn.client, filter: `tcp.stream == ${conn.stream}`, frames: connFrames });

      // A DNS transaction: its ID between client and server, on their ports.
      const tx = r.dns.transactions.find((t) => t.query_frame > 0 && t.response_frame > 0 && t.retries === 0);
      const dnsFilter = `dns.id == 0x${tx.id.toString(16).padStart(4, "0")} && ip.addr == ${tx.client} && ip.addr == ${tx.server} && udp.port == ${tx.client_port} && udp.port == ${tx.server_port}`;
      await followRow(page, web, { tab: "dns", label: "DNS transactions", narrow: `${tx.name} ${tx.client}`, filter: dnsFilter, frames: [tx.query_frame, tx.response_frame] });

      // Overview conversations: a TCP one by addresses and ports, an IPv4 one by addresses.
      const tc = smallest(r.overview.conversations.tcp, (c) => c.frames, 5);
      const tcFilter = `ip.addr == ${tc.a} && tcp.port == ${tc.port_a} && ip.addr == ${tc.b} && tcp.port == ${tc.port_b}`;
      const tcFrames = cliFrames(tcFilter, web);
      assert.equal(tcFrames.length, tc.frames, "the filter selects as many frames as the conversation has");
      await page.click("#tab-overview");
      await followRow(page, web, { tab: "overview", label: "TCP conversations", narrow: `${tc.a} ${tc.port_a} ${tc.b} ${tc.port_b}`, filter: tcFilter, frames: tcFrames });

      const ic = smallest(r.overview.conversations.ip, (c) => c.frames, 3);
      const icFilter = `ip.addr == ${ic.a} && ip.addr == ${ic.b}`;
      const icFrames = cliFrames(icFilter, web);
      assert.equal(icFrames.length, ic.frames);
      await followRow(page, web, { tab: "overview", label: "IPv4 conversations", narrow: `${ic.a} ${ic.b}`, filter: icFilter, frames: icFrames });
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  test("SIP call: its Call-ID, quoted", async () => {
    const { page, problems } = await openPage(env.browser, env.server.url, { permissions: ["clipboard-read", "clipboard-write"] });
    try {
      const r = cliReport(sipCall);
      const call = r.sip.calls[0];
      const filter = `sip.Call-ID == "${call.call_id}"`;
      assert.doesNotMatch(call.call_id, /["\\\x00-\x1f\x7f-\uffff]/, "a Call-ID that needs no escapes");
      await dropFile(page, sipCall);
      const frames = [...new Set(call.flow.map((m) => m.frame))];
      await followRow(page, sipCall, { tab: "sip", label: "SIP calls", narrow: call.call_id, filter, frames });
      // The call's own block offers the same filter.
      await page.click("#tab-sip");
      const block = page.locator(`#panel-sip .sip-call[data-call="${call.call_id}"]`);
      assert.equal(await block.locator('[data-key="row-filter"]').textContent(), filter);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  test("keyboard: the selected row's actions are the Shift+Tab stops before the rows", async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    try {
      const r = cliReport(web);
      await dropFile(page, web);
      await page.click("#tab-tcp");
      const wrap = page.locator("#panel-tcp .table-wrap", { has: page.locator('.vtable[aria-label="TCP connections"]') });
      await wrap.locator(".table-body").focus();
      await page.keyboard.press("ArrowDown");
      // The selected row's first cell is its stream.
      const stream = Number(await wrap.locator('.tr[aria-selected="true"] .td').first().textContent());
      const row = r.tcp_connections.connections.find((c) => c.stream === stream);
      assert.ok(row, "a row is selected");
      assert.equal(await wrap.locator('[data-key="row-filter"]').textContent(), `tcp.stream == ${row.stream}`);
      await page.keyboard.press("Shift+Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), "follow-tcp-row");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), "show-packets");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), "copy-filter");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await packetsListed(page, `tcp.stream == ${row.stream}`);
      assert.equal(await page.inputValue('[data-key="packets-filter"]'), `tcp.stream == ${row.stream}`);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });
});
