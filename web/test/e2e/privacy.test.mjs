// Privacy: while captures are analysed the page asks nothing of any server
// but its own static files (the capture is read from disk by the browser and
// never sent anywhere).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { captures, chooseFile, dist, dropFile, openPage, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

/** assets are the site's own files: the service worker's list (sw.js names them) and sw.js. */
function assets() {
  const sw = readFileSync(join(dist, "sw.js"), "utf8");
  const m = /JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(sw);
  assert.ok(m, "sw.js has no asset list");
  return new Set([...JSON.parse(JSON.parse(m[1])), "sw.js"]);
}

test("analysing captures makes no request but for the page's own static files", async () => {
  const allowed = assets();
  assert.ok(allowed.has("pcaplens.wasm") && allowed.has("main.js"));
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  const seen = [];
  context.on("request", (r) => seen.push({ url: r.url(), method: r.method(), body: r.postDataBuffer()?.length ?? 0 }));
  try {
    await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
    await dropFile(page, join(captures, "chrissanders--synscan.pcapng"));
    assert.equal(await text(page, '[data-key="packet_count"]'), "2,011");
    // Let the service worker finish its caching (its requests are recorded too):
    // it is active once installed, which is when every asset has been fetched.
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.getRegistration())?.active, null, { polling: 100 });
    const origin = new URL(env.server.url).origin;
    assert.ok(seen.length > 0, "no request recorded at all: the recorder is broken");
    for (const r of seen) {
      if (r.url.startsWith("blob:") || r.url.startsWith("data:")) continue;
      const u = new URL(r.url);
      assert.equal(u.origin, origin, `request to another origin: ${r.url}`);
      assert.equal(r.method, "GET", `${r.method} ${r.url}`);
      assert.equal(r.body, 0, `a request carried a body: ${r.url}`);
      const path = u.pathname.slice(1) || "./";
      assert.ok(allowed.has(path), `request for something that is not a static asset: ${r.url}`);
      assert.ok(!/synscan|dns\.pcap/.test(r.url.replace(/samples\/[^/]+$/, "")), `a request names the capture: ${r.url}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
