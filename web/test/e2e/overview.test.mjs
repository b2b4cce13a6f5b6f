// End-to-end tests of the Overview tab in headless Chromium: the protocol
// hierarchy read off the page equals tshark's -z io,phs, and an overview
// finding shows.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, expected, launch, openPage, startServer, text } from "./helpers.mjs";

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

describe("overview tab", () => {
  test("the protocol hierarchy shows tshark's frames and bytes", async () => {
    const file = "chrissanders--http_ip4and6.pcapng";
    const want = expected("overview", file); // tshark's figures (testdata/tshark/overview.sh)
    assert.ok(want, "no tshark expectation for " + file);
    const { page, context, problems } = await openPage(browser, server.url);
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

  test("an overview finding shows for a fragmented capture", async () => {
    const file = "chrissanders--ipv6_fragments.pcapng";
    const { page, context, problems } = await openPage(browser, server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-overview");
      assert.match(await text(page, '[data-finding="ip_fragments"]'), /20 of 22 IP frames are fragments/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
