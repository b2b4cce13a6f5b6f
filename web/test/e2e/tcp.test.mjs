// End-to-end tests of the TCP tab in headless Chromium: the retransmission
// counts and a pattern read off the page equal tshark's figures and the CLI's.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bin, captures, chooseFile, cliReport, dropFile, expected, openPage, root, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const tools = "tcp_connections,tcp_anomalies,tcp_retransmissions,traffic_flow";

/** cliFlow is the CLI's traffic_flow for one server. */
function cliFlow(path, serverIP) {
  const args = ["analyze", "--tools", "traffic_flow", "--server-ip", serverIP, path];
  const out = existsSync(bin)
    ? execFileSync(bin, args, { encoding: "utf8" })
    : execFileSync("go", ["run", "./cmd/pcaplens", ...args], { cwd: root, encoding: "utf8" });
  return JSON.parse(out).traffic_flow;
}

/** forceDetailed makes every analysis of the page ask for detailed reports (all connections listed). */
async function forceDetailed(page) {
  await page.context().addInitScript(() => {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, ...rest) {
      if (msg && typeof msg === "object" && String(msg.type).startsWith("analyze") && msg.options) {
        msg = { ...msg, options: { ...msg.options, detailed: true } };
      }
      return post.call(this, msg, ...rest);
    };
  });
  await page.reload();
}

describe("tcp tab", () => {
  test("a capture with retransmissions shows tshark's counts and the retransmission finding", async () => {
    const file = "chrissanders--tcp_dupack.pcapng";
    const want = expected("tcp", file); // tshark's figures (testdata/tshark/tcp.sh)
    assert.ok(want, "no tshark expectations for " + file);
    const cli = cliReport(join(captures, file), tools);
    assert.equal(cli.tcp_retransmissions.total_retransmissions, want.flags.retransmission);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-tcp");
      assert.equal(await text(page, '[data-key="tcp-retransmissions"]'), want.flags.retransmission.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tcp-duplicate-acks"]'), want.flags.duplicate_ack.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tcp-connections"]'), want.streams.toLocaleString("en-US"));
      const finding = '#panel-tcp [data-finding="tcp.retransmissions"]';
      assert.match(await text(page, finding), new RegExp(`^\\w+\\s*TCP\\s*${want.flags.retransmission} packets? (was a retransmission|were retransmissions)`));
      assert.equal(await text(page, `${finding} [data-key="finding-filter"]`), "tcp.analysis.retransmission");
      // The finding's link highlights its connection's row; a click on the row opens its details.
      await page.click(`${finding} button.link`);
      const row = page.locator('#panel-tcp [data-key="tcp-conn-table"] .tr[data-highlight="true"]');
      assert.equal(await row.count(), 1);
      await row.first().dispatchEvent("click");
      assert.match(await text(page, '[data-key="tcp-detail"]'), /Stream 0:/);
      // Its time/sequence graph marks the retransmission and the duplicate ACKs.
      const graph = await page.getAttribute('[data-key="tcp-seq-graph"] svg', "aria-label");
      assert.match(graph, new RegExp(`${want.flags.retransmission} retransmissions, ${want.flags.duplicate_ack} duplicate ACKs`));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a SYN scan shows its connections and the port-scan finding", async () => {
    const file = "chrissanders--synscan.pcapng";
    const want = expected("tcp", file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-tcp");
      assert.equal(await text(page, '[data-key="tcp-connections"]'), want.streams.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tcp-retransmissions"]'), want.flags.retransmission.toLocaleString("en-US"));
      assert.match(await text(page, '#panel-tcp [data-finding="tcp.port_scan"]'), /172\.16\.0\.8 sent SYNs for 1,994 connections/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the server picker shows a busy server's both directions, as the CLI's traffic_flow", async () => {
    const file = "chrissanders--http_espn.pcapng";
    const path = join(captures, file);
    const servers = cliReport(path, "tcp_connections").tcp_connections.servers;
    assert.ok(servers.length >= 3, "want several servers in " + file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, path);
      await page.click("#tab-tcp");
      const picker = page.locator('[data-key="tcp-server-picker"]');
      assert.deepEqual(await picker.locator("option").evaluateAll((o) => o.map((x) => x.value)), servers.map((s) => s.server));
      // The busiest server is shown first.
      const c2s = '[data-key="tcp-flow"] [data-key="tcp-flow-c2s-packet_count"]';
      const first = cliFlow(path, servers[0].server);
      assert.equal(await text(page, c2s), first.client_to_server.packet_count.toLocaleString("en-US"));
      // Pick the second: its client-to-server packets are the CLI's traffic_flow figure for that server.
      const second = cliFlow(path, servers[1].server);
      await picker.selectOption(servers[1].server);
      assert.equal(await page.getAttribute('[data-key="tcp-flow"]', "data-server"), servers[1].server);
      assert.equal(await text(page, c2s), second.client_to_server.packet_count.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tcp-flow"] [data-key="tcp-flow-s2c-packet_count"]'), second.server_to_client.packet_count.toLocaleString("en-US"));
      const direction = { server_heavy: "the server", client_heavy: "clients", balanced: "both sides alike" }[second.analysis.data_flow_direction];
      assert.equal(await text(page, '[data-key="tcp-flow"] [data-key="tcp-flow-direction"]'), direction);
      const bars = await page.getAttribute('[data-key="tcp-flow-bars"] svg', "aria-label");
      assert.match(bars, new RegExp(`Packets: ${second.client_to_server.packet_count} to the server, ${second.server_to_client.packet_count} from it`));
      // Keyboard: the next server with the arrow key.
      const third = cliFlow(path, servers[2].server);
      await picker.focus();
      await page.keyboard.press("ArrowDown");
      assert.equal(await text(page, c2s), third.client_to_server.packet_count.toLocaleString("en-US"));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("with detailed, the table lists every connection and a row opens its timeline and graph", async () => {
    const file = "chrissanders--synscan.pcapng";
    const want = expected("tcp", file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await forceDetailed(page);
      await chooseFile(page, join(captures, file));
      await page.click("#tab-tcp");
      const table = '[data-key="tcp-conn-table"]';
      assert.equal(await text(page, `${table} .table-count`), `${want.streams.toLocaleString("en-US")} rows`);
      assert.equal(await page.locator(`${table} .table-note`).count(), 0, "no 'most worth a look' note when all are listed");
      // Keyboard to the last row, Enter: its details.
      await page.focus(`${table} .table-body`);
      await page.keyboard.press("End");
      await page.keyboard.press("Enter");
      const last = want.streams - 1;
      // The list is paged from the worker: the row's details come with its page.
      await page.waitForSelector(`[data-key="tcp-detail"][data-stream="${last}"]`);
      assert.match(await text(page, '[data-key="tcp-detail"]'), new RegExp(`Stream ${last}:`));
      // A click on a row far down the list (rendered once scrolled there).
      await page.click(`${table} .tr[data-pos="${last - 1}"]`);
      assert.match(await text(page, '[data-key="tcp-detail"]'), new RegExp(`Stream ${last - 1}:`));
      assert.match(await text(page, '[data-key="tcp-detail"]'), /First packet/);
      const graph = await page.getAttribute('[data-key="tcp-seq-graph"] svg', "aria-label");
      assert.match(graph, /^Time\/sequence graph: \d+ segments/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
