// Offline use: the single-file build works from file:// with no server, and
// the hosted site works offline after one visit (service worker).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { captures, chooseFile, cliReport, dist, launch, openPage, startServer, text } from "./helpers.mjs";

let browser;
const standalone = join(dist, "pcaplens-standalone.html");

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("the single-file page analyses a capture opened from file://", async () => {
  assert.ok(existsSync(standalone), "web/dist/pcaplens-standalone.html is missing: run make dist");
  const html = readFileSync(standalone, "utf8");
  // Strict CSP: no 'unsafe-inline', scripts by hash, workers from blob: only, no network.
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)[1];
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /worker-src blob:/);
  assert.ok(!/<script[^>]+src=/.test(html) && !/<link[^>]+stylesheet/.test(html), "the single file loads another file");
  const file = "chrissanders--tcp_retransmissions.pcapng";
  const want = cliReport(join(captures, file), "capinfos").capinfos.packet_count;
  const { page, context, requests, problems } = await openPage(browser, pathToFileURL(standalone).href);
  try {
    await chooseFile(page, join(captures, file));
    assert.equal(await text(page, "#status .note-error"), "");
    assert.equal(await text(page, '[data-key="packet_count"]'), want.toLocaleString("en-US"));
    assert.ok(await page.isVisible('#panel-findings .finding, #panel-findings [data-key="findings-clean"]'), "the Findings tab is empty");
    // The digests come from the digest worker here too (a nested Blob worker).
    await page.click("#tab-capture");
    await page.waitForSelector('[data-key="sha256"]'); // "computing…" until the digests come
    assert.equal(await text(page, '[data-key="sha256"]'), cliReport(join(captures, file), "capinfos").capinfos.sha256);
    assert.deepEqual(requests.filter((r) => !/^(file|blob|data):/.test(r)), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("after one visit the hosted page works offline", async () => {
  const server = await startServer();
  let closed = false;
  const { page, context, problems } = await openPage(browser, server.url);
  try {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Wait until the service worker controls the page and its cache holds the module.
    await page.waitForFunction(async () => {
      const keys = await caches.keys();
      for (const k of keys) if (await (await caches.open(k)).match("pcaplens.wasm")) return true;
      return false;
    }, null, { timeout: 20_000, polling: 200 });
    // The server is gone: only the service worker's cache can answer now.
    closed = true;
    await server.close();
    await context.setOffline(true);
    await page.reload();
    await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
    assert.equal(await text(page, "#status .note-error"), "");
    assert.equal(await text(page, '[data-key="packet_count"]'), "7");
    assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p)), []);
  } finally {
    await context.close();
    if (!closed) await server.close();
  }
});
