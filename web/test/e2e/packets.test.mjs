// The Packets tab: the display-filter bar (red with the message, green), the
// rows equal to `pcaplens packets --json`, the detail and bytes highlighting
// each other, Follow TCP stream saved as `pcaplens follow --ascii` prints it,
// Export read back by the CLI, and "Show packets" on a finding.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bin, captures, dropFile, openPage, packetsListed, tmp, usePage, withFindings } from "./helpers.mjs";

const env = usePage();
const sample = join(captures, "chrissanders--http_ip4and6.pcapng");

function cli(...args) {
  return execFileSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 });
}

/** listed reads the packet list's visible rows as the CLI's JSON fields. */
async function listed(page) {
  return page.$$eval(".pk-body .pk-row:not(.pk-loading)", (rows) =>
    rows.map((r) => {
      const c = Array.from(r.querySelectorAll("span"), (s) => s.textContent);
      return { no: Number(c[0]), time: c[1], source: c[2], destination: c[3], protocol: c[4], length: Number(c[5]), info: c[6] };
    }),
  );
}

async function openPackets(page) {
  await page.evaluate(() => localStorage.setItem("pcaplens.timeMode", "relative"));
  await dropFile(page, sample);
  await page.click("#tab-packets");
  await packetsListed(page, "");
}

/** applyFilter types a filter, presses Enter and waits until the list is that filter's (the previous one's stays until then). */
async function applyFilter(page, filter) {
  await page.fill('[data-key="packets-filter"]', filter);
  await page.press('[data-key="packets-filter"]', "Enter");
  return packetsListed(page, filter);
}

/** detailOf waits until the detail pane shows frame no (the previous frame's stays until it comes). */
async function detailOf(page, no) {
  await page.waitForFunction((no) => document.querySelector('[data-key="packet-detail"] .pk-tree-tools strong')?.textContent === `Frame ${no}`, no);
}

describe("packets", () => {
  test("filter bar, list, detail and bytes, follow, export", async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    try {
      await openPackets(page);
      const all = JSON.parse(cli("packets", "--json", sample));
      assert.equal(await page.getAttribute('[data-key="packets-status"]', "data-matched"), String(all.length));

      // A bad filter: red, with the message, as you type.
      await page.fill('[data-key="packets-filter"]', "frame.len >");
      await page.waitForSelector(".pk-filter.bad");
      const msg = await page.textContent('[data-key="packets-filter-message"]');
      assert.match(msg, /end of filter expression/i);

      // A good one: green, and the rows are the CLI's.
      const filter = "frame.len > 100 && frame.number <= 30";
      await page.fill('[data-key="packets-filter"]', filter);
      await page.waitForSelector(".pk-filter.ok");
      await applyFilter(page, filter);
      const want = JSON.parse(cli("packets", "--json", "-Y", filter, sample)).map(({ time_ns, ...r }) => r);
      assert.ok(want.length > 3, "the filter should select a few frames");
      await page.waitForSelector(`.pk-body .pk-row[data-no="${want[0].no}"]`);
      assert.deepEqual(await listed(page), want);

      // Click a TCP row: its detail and bytes.
      const tcpRow = want.find((r) => r.protocol === "TCP" || r.protocol === "HTTP");
      assert.ok(tcpRow, "a TCP frame in the list");
      await page.click(`.pk-body .pk-row[data-no="${tcpRow.no}"]`);
      await detailOf(page, tcpRow.no);
      const hexBytes = await page.$$eval('[data-key="packet-bytes"] .pk-hex .pk-b', (b) => b.length);
      assert.equal(hexBytes, tcpRow.length > 0 ? Math.min(tcpRow.length, hexBytes) : 0);
      const src = (await page.$('[data-field="ip.src"]')) ? "ip.src" : "ipv6.src";
      await page.click(`[data-field="${src}"]`);
      const on = await page.$$eval('[data-key="packet-bytes"] .pk-hex .pk-on', (b) => b.map((x) => Number(x.dataset.b)));
      assert.equal(on.length, src === "ip.src" ? 4 : 16, "the address's bytes are highlighted");
      // Click a byte of the TCP header's ports: the field is selected.
      await page.click('[data-field="tcp.srcport"]');
      const port = await page.$$eval('[data-key="packet-bytes"] .pk-hex .pk-on', (b) => b.map((x) => Number(x.dataset.b)));
      // Select another field first, so that the byte's click is what selects the port.
      await page.click(`[data-field="${src}"]`);
      await page.waitForSelector(`.pk-field.pk-on[data-field="${src}"]`);
      await page.click(`[data-key="packet-bytes"] .pk-ascii .pk-b[data-b="${port[1]}"]`);
      await page.waitForSelector('.pk-field.pk-on[data-field="tcp.srcport"]');
      await page.click(`[data-key="packet-bytes"] .pk-hex .pk-b[data-b="${on[0]}"]`);
      await page.waitForSelector(`.pk-field.pk-on[data-field="${src}"]`);

      // Follow its TCP stream; saved as text, it is the CLI's follow --ascii.
      const stream = await page.$eval('[data-field="tcp.stream"] .pk-fval', (e) => e.textContent);
      await page.click('[data-key="follow-tcp"]');
      await page.waitForSelector('[data-key="follow-text"] span');
      const [saved] = await Promise.all([page.waitForEvent("download"), page.click('[data-key="follow-save"]')]);
      const dir = tmp();
      const txt = join(dir, "follow.txt");
      await saved.saveAs(txt);
      assert.equal(readFileSync(txt, "utf8"), cli("follow", "tcp", stream, "--ascii", sample));
      const shown = await page.textContent('[data-key="follow-text"]');
      const chunks = JSON.parse(cli("follow", "tcp", stream, "--json", sample)).chunks;
      const payload = chunks.map((c) => Array.from(Buffer.from(c.data, "base64"), (x) => (x === 10 || x === 13 || (x >= 0x20 && x < 0x7f) ? String.fromCharCode(x) : ".")).join("")).join("");
      assert.equal(shown, payload);

      // Export these packets: a pcapng the CLI reads back, with the same frames.
      const [exp] = await Promise.all([page.waitForEvent("download"), page.click('[data-key="packets-export"]')]);
      const out = join(dir, "export.pcapng");
      await exp.saveAs(out);
      assert.equal(JSON.parse(cli("packets", "--json", out)).length, want.length);

      // Apply as filter on a detail field.
      await page.click(`.pk-body .pk-row[data-no="${want[0].no}"]`);
      await detailOf(page, want[0].no);
      await page.click('[data-field="frame.number"]');
      await page.click('[data-key="apply-as-filter"]');
      assert.equal(await packetsListed(page, `frame.number == ${want[0].no}`), 1);
      assert.equal(await page.inputValue('[data-key="packets-filter"]'), `frame.number == ${want[0].no}`);

      // Keyboard: down moves the selection, Enter opens the detail.
      await applyFilter(page, "");
      await page.focus('[data-key="packet-list"]');
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelector(".pk-tree-tools strong")?.textContent === "Frame 2");
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test("a finding's Show packets opens the Packets tab with its filter", async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    try {
      await withFindings(page, [{ kind: "tcp.test", severity: "medium", tool: "tcp_anomalies", summary: "a test finding", count: 3, frames: [1, 2, 3], filter: "frame.number <= 3" }]);
      await dropFile(page, sample);
      await page.click('#panel-findings [data-key="show-packets"]');
      assert.equal(await packetsListed(page, "frame.number <= 3"), 3);
      assert.equal(await page.inputValue('[data-key="packets-filter"]'), "frame.number <= 3");
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
});
