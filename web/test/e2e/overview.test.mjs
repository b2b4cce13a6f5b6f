// End-to-end tests of the Overview tab in headless Chromium: the protocol
// hierarchy read off the page equals tshark's -z io,phs, an overview finding
// shows, the trouble chart carries tcp_retransmissions' series, and a click on
// the I/O graph filters the conversations to that moment.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pcapHeader, pcapRecord } from "../gen.mjs";
import { captures, chooseFile, cliReport, expected, openPage, text, tmp, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

describe("overview tab", () => {
  test("the protocol hierarchy shows tshark's frames and bytes", async () => {
    const file = "chrissanders--http_ip4and6.pcapng";
    const want = expected("overview", file); // tshark's figures (testdata/tshark/overview.sh)
    assert.ok(want, "no tshark expectation for " + file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-overview");
      // Every level pcaplens compares (link, network, transport) as tshark counts it.
      for (const path of ["eth", "eth:ip", "eth:ip:tcp", "eth:ipv6", "eth:ipv6:tcp"]) {
        const row = want.phs.find((r) => r.path === path);
        assert.ok(row, `tshark has no ${path}`);
        assert.equal(await text(page, `[data-phs="${path}"] [data-col="frames"]`), row.frames.toLocaleString("en-US"), path);
        assert.equal(await text(page, `[data-phs="${path}"] [data-col="bytes"]`), row.bytes.toLocaleString("en-US"), path);
      }
      // Conversations: one TCP conversation per address family, as tshark's conv,tcp.
      assert.equal(await text(page, '[data-key="ov-conversations"]'), `${want.conversations.tcp.length} / ${want.conversations.udp.length}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("past the conversation table's cap, every TCP conversation is still counted and the cap says it counts frames", async () => {
    // 20,010 TCP conversations (a SYN from a new client each, sent twice), 10 past the table's 20,000.
    const n = 20_010;
    const recs = [pcapHeader(101)]; // raw IP
    for (let i = 0; i < 2 * n; i++) {
      const f = Buffer.from("45000028000000004006000000000000c0000202c00000500000000100000000" + "5002ffff00000000", "hex");
      f.writeUInt32BE(0x0a000000 + (i >> 1), 12); // the client
      recs.push(pcapRecord(f.length, 1_700_000_000 + i), f);
    }
    const dir = tmp();
    const path = join(dir, "many-syns.pcap");
    writeFileSync(path, Buffer.concat(recs));
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, path);
      await page.click("#tab-overview");
      assert.equal(await text(page, '[data-key="ov-conversations"]'), "20,010 / 0");
      assert.match(await text(page, "#panel-overview"), /conversations\.tcp capped at 20,000: 20 frames counted in none of its rows/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an overview finding shows for a fragmented capture", async () => {
    const file = "chrissanders--ipv6_fragments.pcapng";
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-overview");
      assert.match(await text(page, '[data-finding="overview.ip_fragments"]'), /20 of 22 IP frames are fragments/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the I/O graph shows retransmissions and a click filters the tables to a moment", async () => {
    const file = "chrissanders--http_espn_fail.pcapng";
    const report = cliReport(join(captures, file));
    const all = report.overview.conversations.tcp;
    const { page, context, problems } = await openPage(env.browser, env.server.url, { viewport: { width: 1400, height: 1000 } });
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-overview");
      const chart = (title) => page.locator("figure.chart").filter({ has: page.locator("figcaption", { hasText: new RegExp(`^${title}$`) }) });
      // The trouble chart plots tcp_retransmissions.io_graph (the same grid) beside the overview's RST and DNS errors.
      const trouble = chart("TCP and DNS trouble");
      await trouble.locator(".u-legend").waitFor();
      const legend = await trouble.locator(".u-legend").textContent();
      assert.match(legend, /retransmissions\/s/);
      assert.match(legend, /TCP RST\/s/);
      assert.match(legend, /DNS errors\/s/);
      // Without a cursor over the plot the legend names the series, with no "—" placeholders.
      assert.doesNotMatch(await trouble.locator(".u-legend").innerText(), /—|Time \(UTC\)/);
      // The three charts share one time axis: their plots start and end at the same x (defect 6).
      const plots = async () => Promise.all(["Packets/s", "Bits/s", "TCP and DNS trouble"].map((t) => chart(t).locator(".u-over").boundingBox()));
      const lined = await plots();
      for (const b of lined.slice(1)) {
        assert.ok(Math.abs(b.x - lined[0].x) < 1 && Math.abs(b.width - lined[0].width) < 1, `plots not lined up: ${JSON.stringify(lined)}`);
      }
      // A coarser interval re-buckets every chart; the packet total is kept (rates × interval).
      const select = page.locator("select.chart-interval");
      const before = Number(await select.inputValue());
      const coarser = (await select.locator("option").evaluateAll((os) => os.map((o) => Number(o.value)))).find((v) => v > before);
      assert.ok(coarser, `an interval coarser than ${before} s is offered`);
      await select.selectOption(String(coarser));
      assert.equal(Number(await page.locator(".chart-stack-wrap").getAttribute("data-interval")), coarser);
      const relined = await plots();
      for (const b of relined.slice(1)) assert.ok(Math.abs(b.x - relined[0].x) < 1 && Math.abs(b.width - relined[0].width) < 1);

      assert.equal(await text(page, '[data-key="ov-conv-count-tcp"]'), String(all.length));
      assert.equal(await text(page, '[data-conversations="tcp"] .table-count'), `${all.length} rows`);
      // A click (no drag) in the middle of the packets/s plot.
      const over = chart("Packets/s").locator(".u-over");
      await over.waitFor();
      const box = await over.boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const filter = page.locator('[data-key="ov-filter"]').first();
      await filter.waitFor();
      assert.match(await filter.textContent(), /^Filtered to \d\d:\d\d:\d\d\.\d{3} UTC$/);
      const at = Number(await filter.getAttribute("data-from"));
      assert.equal(Number(await filter.getAttribute("data-to")), at);
      // The moment is inside the capture, and the table holds exactly the conversations active then.
      const rel = at - report.overview.first_time;
      assert.ok(rel > 0 && rel < report.overview.duration, `moment ${rel} s after the first frame`);
      const active = all.filter((c) => c.rel_start <= rel + 1e-6 && c.rel_start + c.duration >= rel - 1e-6);
      assert.ok(active.length > 0 && active.length < all.length, `${active.length} of ${all.length} active at ${rel}`);
      assert.equal(await text(page, '[data-key="ov-conv-count-tcp"]'), `${active.length} of ${all.length}`);
      assert.equal(await text(page, '[data-conversations="tcp"] .table-count'), `${active.length} ${active.length === 1 ? "row" : "rows"}`);
      // The clear control is a button (keyboard: focus and Enter) and restores every row.
      const clear = page.locator('button[data-key="ov-filter-clear"]').first();
      await clear.focus();
      await page.keyboard.press("Enter");
      assert.equal(await page.locator('[data-key="ov-filter"]').count(), 0);
      assert.equal(await text(page, '[data-key="ov-conv-count-tcp"]'), String(all.length));
      assert.equal(await text(page, '[data-conversations="tcp"] .table-count'), `${all.length} rows`);
      // A drag still filters to a range (the click that ends it does not turn it into a moment).
      await over.scrollIntoViewIfNeeded();
      const b2 = await over.boundingBox();
      await page.mouse.move(b2.x + b2.width * 0.4, b2.y + b2.height / 2);
      await page.mouse.down();
      await page.mouse.move(b2.x + b2.width * 0.6, b2.y + b2.height / 2, { steps: 5 });
      await page.mouse.up();
      await filter.waitFor();
      assert.match(await filter.textContent(), /^Filtered to \d\d:\d\d:\d\d\.\d{3} – \d\d:\d\d:\d\d\.\d{3} UTC$/);
      assert.ok(Number(await filter.getAttribute("data-to")) > Number(await filter.getAttribute("data-from")));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
