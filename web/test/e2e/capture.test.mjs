// End-to-end tests of the page and the Capture tab in headless Chromium.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { captures, chooseFile, cliReport, csp, dropFile, expected, foreignRequests, frameAncestors, openPage, root, text, tmp, usePage, utcText } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

/** capinfosFigures returns the packet count and first packet time we must show for a capture. */
function capinfosFigures(file) {
  const cli = cliReport(join(captures, file), "capinfos").capinfos;
  const exp = expected("capinfos", file);
  if (exp && typeof exp.packet_count === "number") {
    // The golden file (from capinfos itself) wins; the CLI must agree with it anyway.
    assert.equal(cli.packet_count, exp.packet_count, "CLI packet count differs from capinfos' golden file");
  }
  return { packets: exp?.packet_count ?? cli.packet_count, first: cli.first_packet_time_utc };
}

describe("capture tab", () => {
  test("a capture chosen with the file input shows capinfos' packet count and first packet time", async () => {
    const file = "chrissanders--dns.pcap";
    const want = capinfosFigures(file);
    // One analysis worker (?workers=1; with several, each runs a share of the tools: workers.test.mjs),
    // and no warm-up (?warmup=0: it starts workers of its own while the page is idle, warmup.test.mjs).
    const { page, context, requests, problems } = await openPage(env.browser, `${env.server.url}?workers=1&warmup=0`);
    const workers = [];
    page.on("worker", (w) => workers.push(new URL(w.url()).pathname));
    try {
      await chooseFile(page, join(captures, file));
      assert.equal(await text(page, "#status .note-error"), "", "unexpected error");
      // One worker analyses; a second one, started by the first, hashes the file beside it.
      assert.deepEqual(workers, ["/worker.js", "/worker.js"]);
      assert.equal(await text(page, "#file-name"), file);
      assert.equal(await text(page, '[data-key="packet_count"]'), want.packets.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="first_packet_time"]'), utcText(want.first));
      assert.equal(await text(page, '[data-key="filename"]'), file);
      // The digests (computed in the worker's digest worker) are capinfos' own;
      // they may come after the report ("computing…" until then).
      await page.waitForSelector('[data-key="sha256"]', { state: "attached" }); // the Capture tab is not shown
      const capinfos = readFileSync(join(root, "testdata", "expected", "capinfos", `${file}.txt`), "utf8");
      assert.equal(await text(page, '[data-key="sha256"]'), /^SHA256:\s+(\S+)$/m.exec(capinfos)[1]);
      assert.equal(await text(page, '[data-key="sha1"]'), /^SHA1:\s+(\S+)$/m.exec(capinfos)[1]);
      // The tab list is a proper tablist with the first tab (Findings) selected.
      assert.equal(await page.getAttribute('[role=tab][aria-selected="true"]', "id"), "tab-findings");
      assert.deepEqual(foreignRequests(requests, env.server.url), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a capture dropped on the page is analysed", async () => {
    const file = "chrissanders--dns_tcp.pcapng";
    const want = capinfosFigures(file);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await dropFile(page, join(captures, file));
      assert.equal(await text(page, '[data-key="packet_count"]'), want.packets.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="first_packet_time"]'), utcText(want.first));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a file that is not a capture shows a clear error", async () => {
    const dir = tmp();
    const path = join(dir, "page.pcap");
    writeFileSync(path, "<!DOCTYPE html>\n<html><head><title>x</title></head><body>not a capture</body></html>\n");
    const { page, context } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, path);
      const msg = await text(page, "#status .note-error");
      assert.match(msg, /not a capture/i);
      assert.match(msg, /HTML/);
      assert.equal(await page.isVisible("#report"), false);
      // The next file still works.
      await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
      assert.equal(await text(page, "#status .note-error"), "");
      assert.ok(await page.isVisible('[data-key="packet_count"]'));
    } finally {
      await context.close();
    }
  });

  test("a capture cut short shows its packets and a warning", async () => {
    const file = "chrissanders--http_espn.pcapng";
    const whole = readFileSync(join(captures, file));
    const dir = tmp();
    const path = join(dir, "cut.pcapng");
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6) + 7));
    const cli = cliReport(path, "capinfos").capinfos;
    assert.ok(cli.warnings.length > 0, "the CLI reports no warning for a cut capture");
    const { page, context } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, path);
      const warning = await text(page, "#panels .note-warn");
      assert.match(warning, /cut short/i);
      assert.equal(await text(page, '[data-key="packet_count"]'), cli.packet_count.toLocaleString("en-US"));
      assert.ok(cli.packet_count > 0);
    } finally {
      await context.close();
    }
  });

  test("the page carries its CSP and asks nothing of other origins", async () => {
    const { page, context, requests, problems } = await openPage(env.browser, env.server.url);
    try {
      const res = await page.request.get(env.server.url);
      assert.equal(res.headers()["content-security-policy"], csp + frameAncestors);
      assert.equal(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content"), csp);
      await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
      // Inline script is refused: the policy is really enforced.
      const inlineRan = await page.evaluate(() => {
        const s = document.createElement("script");
        s.textContent = "window.__inline = 1";
        document.body.appendChild(s);
        return (window).__inline === 1;
      });
      assert.equal(inlineRan, false);
      assert.deepEqual(foreignRequests(requests, env.server.url), []);
      assert.ok(requests.some((r) => r.endsWith("/pcaplens.wasm")), "the worker did not load pcaplens.wasm");
      // The only problems are the refused inline script's own reports.
      assert.deepEqual(problems.filter((p) => !/script-src|inline script/.test(p)), []);
    } finally {
      await context.close();
    }
  });

  test("tabs and the download button work from the keyboard", async () => {
    const { page, context } = await openPage(env.browser, env.server.url, { acceptDownloads: true });
    try {
      await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
      await page.focus("#tab-capture");
      await page.keyboard.press("End");
      const selected = await page.getAttribute('[role=tab][aria-selected="true"]', "id");
      const last = await page.locator("[role=tab]").last().getAttribute("id");
      assert.equal(selected, last);
      await page.keyboard.press("Home");
      assert.equal(await page.getAttribute('[role=tab][aria-selected="true"]', "id"), "tab-findings");
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
      const body = JSON.parse(readFileSync(await download.path(), "utf8"));
      assert.equal(body.capinfos.packet_count, cliReport(join(captures, "chrissanders--dns.pcap"), "capinfos").capinfos.packet_count);
    } finally {
      await context.close();
    }
  });
});
