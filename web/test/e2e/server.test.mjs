// End-to-end tests of `pcaplens serve` as a browser meets it: the module
// arrives gzip-compressed and still runs, the page cannot be framed, and
// folders are not listed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, cliReport, openPage, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

describe("pcaplens serve", () => {
  test("the module is sent gzip-compressed and the page analyses with it", async (t) => {
    if (env.server.kind !== "pcaplens") return t.skip("the Node stand-in serves web/dist, not pcaplens serve");
    // Watched from before the page loads: it compiles the engine while idle.
    const modules = [];
    const { page, context } = await openPage(env.browser, env.server.url, {}, (context) =>
      context.on("response", (r) => {
        if (r.url().endsWith("/pcaplens.wasm") && !r.request().serviceWorker()) modules.push(r);
      }),
    );
    try {
      const file = join(captures, "chrissanders--dns.pcap");
      await chooseFile(page, file);
      assert.ok(modules.length >= 1, "the page fetched the module");
      const headers = await modules[0].allHeaders();
      assert.equal(headers["content-encoding"], "gzip");
      assert.equal(headers["content-type"], "application/wasm");
      const want = cliReport(file, "capinfos").capinfos.packet_count;
      assert.equal(await text(page, '[data-key="packet_count"]'), String(want));
    } finally {
      await context.close();
    }
  });

  test("the page forbids framing and /samples/ is not listed", async (t) => {
    if (env.server.kind !== "pcaplens") return t.skip("the Node stand-in serves web/dist, not pcaplens serve");
    const root = await fetch(env.server.url);
    assert.match(root.headers.get("content-security-policy"), /frame-ancestors 'none'/);
    assert.equal(root.headers.get("x-frame-options"), "DENY");
    const listing = await fetch(new URL("samples/", env.server.url));
    assert.equal(listing.status, 404);
    const body = await listing.text();
    assert.doesNotMatch(body, /\.pcap/);
  });
});
