// End-to-end tests of the TCP tab in headless Chromium: the retransmission
// counts and a pattern read off the page equal tshark's figures and the CLI's.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, cliReport, dropFile, expected, launch, openPage, startServer, text } from "./helpers.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const tools = "tcp_connections,tcp_anomalies,tcp_retransmissions,traffic_flow";

describe("tcp tab", () => {
  test("a capture with retransmissions shows tshark's counts and the retransmission pattern", async () => {
    const file = "chrissanders--tcp_dupack.pcapng";
    const want = expected("tcp", file); // tshark's figures (testdata/tshark/tcp.sh)
    assert.ok(want, "no tshark expectations for " + file);
    const cli = cliReport(join(captures, file), tools);
    assert.equal(cli.tcp_retransmissions.total_retransmissions, want.flags.retransmission);
    const { page, context, problems } = await openPage(browser, server.url);
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-tcp");
      assert.equal(await text(page, '[data-key="tcp-retransmissions"]'), want.flags.retransmission.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tcp-duplicate-acks"]'), want.flags.duplicate_ack.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tcp-connections"]'), want.streams.toLocaleString("en-US"));
      const pattern = await text(page, '[data-pattern="packet_retransmission"]');
      assert.match(pattern, /packet_retransmission/);
      assert.match(pattern, new RegExp(`${want.flags.retransmission} packets? flagged as retransmissions`));
      // A stream link in the pattern opens that connection's details.
      await page.click('[data-pattern="packet_retransmission"] button.link');
      assert.match(await text(page, '[data-key="tcp-detail"]'), /Stream 0:/);
      // Its time/sequence graph marks the retransmission and the duplicate ACKs.
      const graph = await page.getAttribute('[data-key="tcp-seq-graph"] svg', "aria-label");
      assert.match(graph, new RegExp(`${want.flags.retransmission} retransmissions, ${want.flags.duplicate_ack} duplicate ACKs`));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a SYN scan shows its connections and the port-scan pattern", async () => {
    const file = "chrissanders--synscan.pcapng";
    const want = expected("tcp", file);
    const { page, context, problems } = await openPage(browser, server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-tcp");
      assert.equal(await text(page, '[data-key="tcp-connections"]'), want.streams.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tcp-retransmissions"]'), want.flags.retransmission.toLocaleString("en-US"));
      assert.match(await text(page, '[data-pattern="port_scan"]'), /172\.16\.0\.8 sent SYNs/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
