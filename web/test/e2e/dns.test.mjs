// End-to-end tests of the DNS tab in headless Chromium: the query count, an
// NXDOMAIN and a response time read off the page equal tshark's figures
// (testdata/tshark/dns.sh) and the CLI's.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, cliReport, dropFile, expected, openPage, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const ms = (s) => `${(s * 1000).toFixed(3)} ms`;

describe("dns tab", () => {
  test("a lookup session shows tshark's query count, NXDOMAIN and median response time", async () => {
    const file = "chrissanders--dns_lab.pcapng";
    const want = expected("dns", file); // tshark's figures
    assert.ok(want, "no tshark expectations for " + file);
    assert.equal(want.rcodes["3"], 1);
    const cli = cliReport(join(captures, file), "dns");
    assert.equal(cli.dns.statistics.queries, want.queries);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-dns");
      assert.equal(await text(page, '[data-key="dns-queries"]'), want.queries.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="dns-nxdomain"]'), want.rcodes["3"].toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="dns-rt-median"]'), ms(want.response_time.median));
      assert.equal(await text(page, '[data-key="dns-unanswered"]'), want.unanswered_queries.toLocaleString("en-US"));
      // The NXDOMAIN transaction is in the table with its response time.
      const nx = cli.dns.transactions.find((t) => t.rcode === "NXDOMAIN");
      assert.ok(nx);
      const body = await page.textContent('[aria-label="DNS transactions"], section:has(h2:text-matches("^Transactions"))');
      assert.match(body, /NXDOMAIN/);
      assert.ok(body.includes(nx.name), `transactions table lacks ${nx.name}`);
      assert.ok(body.includes(ms(nx.response_time)), `transactions table lacks ${ms(nx.response_time)}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a zone transfer over TCP is listed as a finding", async () => {
    const file = "chrissanders--dns_axfr.pcapng";
    const want = expected("dns", file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-dns");
      assert.equal(await text(page, '[data-key="dns-queries"]'), want.queries.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="dns-rt-median"]'), ms(want.response_time.median));
      assert.match(await text(page, '[data-finding="dns.zone_transfer"]'), /contoso\.local/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
