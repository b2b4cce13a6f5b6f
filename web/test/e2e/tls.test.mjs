// End-to-end tests of the TLS tab in headless Chromium: drop a capture of
// TLS and QUIC handshakes, read the counts off the page (they equal
// tshark's), select a connection and see its certificate chain, and find
// the TLS findings of the generated findings capture.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliReport, dropFile, expected, filterTable, openPage, root, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const tlsCaptures = join(root, "analysis", "tls", "testdata", "captures");

describe("tls tab", () => {
  test("tls-handshake: counts equal tshark's, a connection's chain is shown", async () => {
    const file = "ja4--tls-handshake.pcapng";
    const path = join(tlsCaptures, file);
    const want = cliReport(path, "tls").tls;
    const tshark = expected("tls", file); // testdata/tshark/tls.sh
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, path);
      await page.click("#tab-tls");
      assert.equal(await text(page, '[data-key="tls-client-hellos"]'), tshark.client_hellos.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tls-server-hellos"]'), tshark.server_hellos.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="tls-connections"]'), want.connections_total.toLocaleString("en-US"));
      // The first connection with certificates: its chain, server's own first.
      const i = want.connections.findIndex((c) => c.certificates.length > 0);
      assert.ok(i >= 0);
      const conn = want.connections[i];
      const wrap = page.locator("#panel-tls .table-wrap", { has: page.locator('.vtable[aria-label="TLS connections"]') });
      await filterTable(wrap, conn.sni);
      await wrap.locator(".table-rows .tr").first().click();
      await wrap.locator('[data-key="row-filter"]').waitFor();
      assert.equal(await wrap.locator('[data-key="row-filter"]').textContent(), `tcp.stream == ${conn.stream}`);
      const chain = wrap.locator('[data-key="tls-chain"] li');
      assert.equal(await chain.count(), conn.certificates.length);
      const leaf = want.certificates.find((c) => c.sha256 === conn.certificates[0]);
      assert.ok((await chain.first().textContent()).includes(leaf.subject));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("findings capture: the TLS findings are listed", async () => {
    const path = join(tlsCaptures, "pcaplens-tls-findings.pcap");
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, path);
      await page.click("#tab-tls");
      const body = await page.locator("#panel-tls").textContent();
      for (const words of ["deprecated protocol version", "weak cipher suite", "had expired", "self-signed"]) {
        assert.ok(body.includes(words), `no "${words}" on the TLS tab`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
