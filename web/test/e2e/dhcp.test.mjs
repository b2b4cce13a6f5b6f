// End-to-end tests of the DHCP tab in headless Chromium: a DORA exchange's
// outcome and timing, and tshark's counts, read off the page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, cliReport, expected, openPage, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

describe("dhcp tab", () => {
  test("a DORA exchange shows as leased with its DISCOVER-to-ACK time and tshark's counts", async () => {
    const file = "chrissanders--dhcp_nolease_initialization.pcapng";
    const want = expected("dhcp", file); // tshark's figures (testdata/tshark/dhcp.sh)
    assert.ok(want, "no tshark expectations for " + file);
    const cli = cliReport(join(captures, file), "dhcp");
    const tx = cli.dhcp.transactions.find((t) => t.transaction_id === "0x696ddc66");
    assert.equal(tx.outcome, "leased");
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-dhcp");
      const ladder = '[data-transaction="0x696ddc66"]';
      assert.equal(await text(page, `${ladder} [data-key="dhcp-outcome"]`), "leased");
      assert.equal(await text(page, `${ladder} [data-key="dhcp-setup-time"]`), "1.005 s");
      assert.match(await text(page, ladder), /192\.168\.1\.10/);
      assert.equal(await text(page, '[data-key="dhcp-transactions"]'), want.transactions.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="dhcp-clients"]'), want.unique_clients.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="dhcp-servers"]'), want.unique_servers.toLocaleString("en-US"));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a DHCPv6 lease shows its transactions", async () => {
    const file = "chrissanders--dhcp6_outlease_acquisition.pcapng";
    const want = expected("dhcp", file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-dhcp");
      assert.equal(await text(page, '[data-key="dhcpv6-transactions"]'), want.dhcpv6.transactions.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-transaction="0x2d1603"] [data-key="dhcp-outcome"]'), "leased");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
