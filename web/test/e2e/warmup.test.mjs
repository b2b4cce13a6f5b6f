// The engine's warm-up: while the page is idle it starts the first file's
// analyzer and has it analyse the engine's synthetic capture, so the first
// file is analysed at once, in optimised code, by a worker already started.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, cliReport, launch, openPage, startServer, text } from "./helpers.mjs";

let server, browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** countWorkers records in window.__workers how many workers the page starts. */
const countWorkers = (context) =>
  context.addInitScript(() => {
    window.__workers = 0;
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(url, opts) {
        super(url, opts);
        window.__workers++;
      }
    };
  });

test("the page warms the engine up while idle, and the first file's analysis runs in that worker", async () => {
  const file = "chrissanders--dns_isp_hijack.pcapng";
  const want = cliReport(join(captures, file), "capinfos");
  const { page, context, problems } = await openPage(browser, server.url, {}, countWorkers);
  try {
    await page.waitForSelector('body[data-engine="warm"]', { state: "attached", timeout: 60_000 });
    assert.equal(await page.evaluate(() => window.__workers), 1, "one analysis worker, started for the warm-up");
    assert.equal(await page.evaluate(() => document.body.dataset.state), "idle", "the warm-up is not shown");
    await chooseFile(page, join(captures, file));
    assert.equal(await page.evaluate(() => document.body.dataset.state), "report");
    assert.equal(await text(page, '[data-key="packet_count"]'), want.capinfos.packet_count.toLocaleString("en-US"));
    assert.equal(await page.evaluate(() => window.__workers), 1, "the first file is analysed by the warmed-up worker");
    // The next file gets a worker of its own, as before.
    await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
    assert.equal(await text(page, '[data-key="packet_count"]'), "7");
    assert.equal(await page.evaluate(() => window.__workers), 2);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("?warmup=0 starts no worker before a file is chosen", async () => {
  const { page, context, problems } = await openPage(browser, `${server.url}?warmup=0`, {}, countWorkers);
  try {
    await page.waitForSelector('body[data-engine="compiled"]', { state: "attached", timeout: 60_000 });
    // An idle callback would have started the warm-up by the time two more have run.
    for (let i = 0; i < 2; i++) await page.evaluate(() => new Promise((r) => requestIdleCallback(() => r(), { timeout: 2000 })));
    assert.equal(await page.evaluate(() => window.__workers), 0);
    assert.equal(await page.evaluate(() => document.body.dataset.engine), "compiled");
    await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
    assert.equal(await text(page, '[data-key="packet_count"]'), "7");
    assert.equal(await page.evaluate(() => window.__workers), 1);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
