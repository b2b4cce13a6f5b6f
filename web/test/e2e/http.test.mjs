// End-to-end tests of the HTTP tab in headless Chromium: the request and
// response counts read off the page equal tshark's (testdata/tshark/http.sh)
// and the CLI's, the request table lists a request with its status, and
// the clear-text credentials of a capture made with curl are a finding
// naming the user, never the password.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, cliReport, dropFile, expected, filterTable, openPage, root, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

describe("http tab", () => {
  test("a web session shows tshark's request and response counts and its requests", async () => {
    const file = "chrissanders--http_espn.pcapng";
    const want = expected("http", file); // tshark's figures
    assert.ok(want, "no tshark expectations for " + file);
    const cli = cliReport(join(captures, file), "http");
    assert.equal(cli.http.requests, sum(want.methods));
    assert.equal(cli.http.responses, sum(want.status_codes));
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-http");
      assert.equal(await text(page, '[data-key="http-requests"]'), sum(want.methods).toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="http-responses"]'), sum(want.status_codes).toLocaleString("en-US"));
      const first = cli.http.transactions[0];
      const body = await page.textContent('section:has(h2:text-matches("^Requests"))');
      assert.ok(body.includes(first.uri), `request table lacks ${first.uri}`);
      assert.ok(body.includes(first.host), `request table lacks ${first.host}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("credentials sent in clear text are a finding with the user name only", async () => {
    const path = join(root, "analysis", "http", "testdata", "pcaplens-http-8080.pcapng");
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, path);
      await page.click("#tab-http");
      const f = await text(page, '[data-finding="http.cleartext_credentials"]');
      assert.match(f, /alice/);
      assert.doesNotMatch(f, /wonderland|hunter2/);
      assert.match(await text(page, '[data-finding="http.executable_download"]'), /tool\.exe/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a request's Follow TCP stream opens the Packets tab on its conversation", async () => {
    const file = "chrissanders--http_espn.pcapng";
    const cli = cliReport(join(captures, file), "http");
    const tx = cli.http.transactions.find((t) => t.tcp_stream >= 0 && t.method === "GET");
    assert.ok(tx, "no GET request over TCP");
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, join(captures, file));
      await page.click("#tab-http");
      const wrap = page.locator("#panel-http .table-wrap", { has: page.locator('.vtable[aria-label="HTTP requests"]') });
      await filterTable(wrap, tx.uri);
      await wrap.locator(".table-rows .tr").first().click();
      await wrap.locator('[data-key="follow-tcp-row"]').click();
      // The Packets tab lists the stream and shows its conversation.
      await page.waitForSelector('#panel-packets:not([hidden]) [data-key="follow-text"] span');
      const shown = await page.textContent('[data-key="follow-text"]');
      assert.ok(shown.includes(`GET ${tx.uri}`), `the conversation lacks the request line for ${tx.uri}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
