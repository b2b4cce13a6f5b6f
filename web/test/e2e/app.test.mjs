// End-to-end tests of the app around the analyses: several files side by
// side, the Findings tab, exports (JSON, CSV, Copy for AI), samples, URLs,
// keyboard navigation through file tabs.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { writeCapture } from "../gen.mjs";
import { join } from "node:path";
import { captures, chooseFile, cliReport, openPage, settled, startOtherOrigin, text, tmp, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

/** parseCSV parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
function parseCSV(s) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      row.push(field), rows.push(row), (row = []), (field = "");
    } else field += c;
  }
  assert.equal(quoted, false, "CSV ends inside a quoted field");
  if (field !== "" || row.length) row.push(field), rows.push(row);
  return rows;
}

const packets = (file) => cliReport(join(captures, file), "capinfos").capinfos.packet_count;

describe("app", () => {
  test("two files analyse side by side, each in its own file tab with its own packet count", async () => {
    const a = "chrissanders--synscan.pcapng";
    const b = "chrissanders--dns.pcap";
    // Requests for the module from the page's loading on (the page compiles it while idle).
    const { page, context, pageRequests, problems } = await openPage(env.browser, env.server.url);
    const modules = () => pageRequests.filter((u) => u.endsWith("/pcaplens.wasm"));
    try {
      await page.setInputFiles("#file-input", [join(captures, a), join(captures, b)]);
      await page.waitForFunction(() => {
        const tabs = [...document.querySelectorAll(".file-tab-wrap")];
        return tabs.length === 2 && tabs.every((t) => t.dataset.state === "report");
      }, null, { timeout: 30_000 });
      // The page compiled the engine once for both workers: one request for the module.
      assert.equal(modules().length, 1);
      const tabs = page.locator(".file-tab");
      assert.equal(await tabs.count(), 2);
      for (const [i, file] of [a, b].entries()) {
        await tabs.nth(i).click();
        assert.equal(await text(page, "#file-name"), file);
        assert.equal(await text(page, '[data-key="packet_count"]'), packets(file).toLocaleString("en-US"));
      }
      // Keyboard: arrows move between file tabs.
      await tabs.nth(1).focus();
      await page.keyboard.press("ArrowLeft");
      assert.equal(await text(page, "#file-name"), a);
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("file-tab")), true);
      await page.keyboard.press("End");
      assert.equal(await text(page, "#file-name"), b);
      // "+ Open" brings the welcome screen (samples, URL) back and keeps the files.
      await page.click(".file-open-more");
      assert.ok(await page.isVisible("#welcome"));
      assert.ok(await page.isVisible("#url-form"));
      assert.equal(await page.isVisible("#report"), false);
      assert.equal(await tabs.count(), 2);
      // A file dropped later gets a third tab; closing one keeps the others.
      await chooseFile(page, join(captures, "chrissanders--tcp_retransmissions.pcapng"));
      assert.equal(await tabs.count(), 3);
      await page.click(".file-tab-wrap.active .file-tab-close");
      assert.equal(await tabs.count(), 2);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("two large files progress side by side with a time estimate; Cancel stops only the file shown", async () => {
    const dir = tmp();
    const big1 = join(dir, "big1.pcap");
    const big2 = join(dir, "big2.pcap");
    writeCapture(big1, 250_000);
    writeCapture(big2, 250_000);
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await page.setInputFiles("#file-input", [big1, big2]);
      // Both workers make progress at the same time.
      await page.waitForFunction(() => [...document.querySelectorAll(".file-tab-status")].every((e) => /^[1-9]\d?%$/.test(e.textContent)), null, { timeout: 20_000, polling: 50 });
      // The line with its estimate, read in the same moment as it is seen (the
      // next progress message may already say "Building the report…").
      const line = await page.waitForFunction(() => {
        const t = document.querySelector("#progress-text").textContent;
        return /left$/.test(t) && t;
      }, null, { timeout: 20_000, polling: 100 });
      // The running figures: packets, and the TCP and UDP streams seen so far (the capture has both).
      assert.match(await line.jsonValue(), /of .* read · [\d,]+ packets · [\d,]+ TCP streams? · [\d,]+ UDP streams? · about \d+ (s|min) left/);
      assert.equal(await text(page, "#file-name"), "big2.pcap");
      await page.click("#cancel");
      await page.waitForSelector('body[data-state="cancelled"]', { state: "attached" });
      const states = await page.$$eval(".file-tab-wrap", (els) => els.map((e) => e.dataset.state));
      assert.equal(states[1], "cancelled");
      assert.ok(states[0] === "busy" || states[0] === "report", `the other file was stopped too: ${states[0]}`);
      await page.click(".file-tab >> nth=0");
      await page.waitForSelector('body[data-state="report"]', { state: "attached", timeout: 60_000 });
      assert.equal(await text(page, "#file-name"), "big1.pcap");
      assert.equal(await text(page, '[data-key="packet_count"]'), "250,000");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the Findings tab comes first and links a scan to its evidence in the TCP tab", async () => {
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, "chrissanders--synscan.pcapng"));
      assert.equal(await page.getAttribute('[role=tab][aria-selected="true"]', "id"), "tab-findings");
      assert.match(await text(page, '[data-key="capture-line"]'), /2,011 packets/);
      const first = page.locator("#panel-findings .finding").first();
      // The engine's ranked findings (report.findings): the scan, raised by a TCP analysis, comes first.
      assert.match(await first.getAttribute("data-finding"), /^tcp\..*scan/, "the port scan is not ranked first");
      assert.equal(await first.getAttribute("data-source"), "tcp");
      assert.match(await first.locator(".badge").textContent(), /high/);
      await first.locator("button.link").click();
      assert.equal(await page.getAttribute('[role=tab][aria-selected="true"]', "id"), "tab-tcp");
      assert.ok(await page.isVisible("#panel-tcp"));
      // …at its evidence: rows of the TCP tab are highlighted.
      await page.locator('#panel-tcp .tr[data-highlight="true"]').first().waitFor({ state: "visible" });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("Download JSON gives the report, a table gives CSV with a header row", async () => {
    const file = "chrissanders--synscan.pcapng";
    const { page, context } = await openPage(env.browser, env.server.url, { acceptDownloads: true });
    try {
      await chooseFile(page, join(captures, file));
      const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
      assert.equal(dl.suggestedFilename(), "chrissanders--synscan.pcaplens.json");
      const body = JSON.parse(readFileSync(await dl.path(), "utf8"));
      assert.equal(body.capinfos.packet_count, packets(file));
      assert.ok(Array.isArray(body.tcp_anomalies.findings));
      assert.ok(Array.isArray(body.findings) && body.findings.length > 0, "the ranked findings are in the download");
      await page.click("#tab-tcp");
      const [csvDl] = await Promise.all([page.waitForEvent("download"), page.locator("#panel-tcp .table-toolbar button").first().click()]);
      const rows = parseCSV(readFileSync(await csvDl.path(), "utf8").replace(/^\uFEFF/, ""));
      assert.ok(rows.length > 2, "CSV has no data rows");
      const header = rows[0];
      assert.ok(header.length > 2 && header.every((h) => h !== "" && !/^\d+$/.test(h)), `not a header row: ${header}`);
      for (const r of rows.slice(1)) assert.equal(r.length, header.length, `ragged CSV row: ${r}`);
    } finally {
      await context.close();
    }
  });

  test("Copy for AI gives Markdown with the findings and a chosen guide, under the size cap", async () => {
    const { page, context } = await openPage(env.browser, env.server.url);
    try {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(env.server.url).origin });
      await chooseFile(page, join(captures, "chrissanders--synscan.pcapng"));
      await page.click("#copy-ai");
      await page.waitForFunction(() => document.querySelector("#ai-text").value.length > 0);
      const md = await page.inputValue("#ai-text");
      assert.match(md, /^# pcaplens report: chrissanders--synscan\.pcapng/);
      assert.match(md, /\n## Findings\n/);
      assert.match(md, /\*\*high\*\* \[TCP\]/);
      assert.match(md, /## Investigation guide: TCP security/, "a port scan should suggest the TCP security guide");
      assert.ok(md.length < 14_000, `report is ${md.length} characters`);
      // The clipboard holds the same text (or the page said to copy by hand);
      // the status is written once the clipboard has answered.
      await page.waitForFunction(() => /^Copied|Ctrl\+C/.test(document.querySelector("#ai-status").textContent));
      const status = await text(page, "#ai-status");
      if (/^Copied/.test(status)) assert.equal(await page.evaluate(() => navigator.clipboard.readText()), md);
      else assert.match(status, /Ctrl\+C/);
      await page.selectOption("#ai-guide", "dns-forensics");
      await page.waitForFunction(() => document.querySelector("#ai-text").value.includes("DNS forensics"));
    } finally {
      await context.close();
    }
  });

  test("a built-in sample opens with one click; a same-origin URL streams in", async () => {
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await page.click('button[data-sample="chrissanders--synscan.pcapng"]');
      await settled(page);
      assert.equal(await text(page, '[data-key="packet_count"]'), "2,011");
      // Close it to get the welcome screen (and its URL form) back.
      await page.click(".file-tab-wrap.active .file-tab-close");
      await page.fill("#url-input", "samples/sip-register-bruteforce.pcap");
      await page.evaluate(() => (document.body.dataset.state = "idle"));
      await page.click("#url-form button[type=submit]");
      await settled(page);
      assert.equal(await text(page, "#file-name"), "sip-register-bruteforce.pcap");
      assert.equal(await text(page, '[data-key="packet_count"]'), packets("sip-register-bruteforce.pcap").toLocaleString("en-US"));
      // A missing file on this origin: the HTTP status is shown.
      await page.click(".file-tab-wrap.active .file-tab-close");
      await page.fill("#url-input", "samples/nope.pcap");
      await page.evaluate(() => (document.body.dataset.state = "idle"));
      await page.click("#url-form button[type=submit]");
      await settled(page);
      assert.match(await text(page, "#status .note-error"), /HTTP 404/);
      assert.deepEqual(problems.filter((p) => !/404/.test(p)), []);
    } finally {
      await context.close();
    }
  });

  test("a URL on another origin: read when its server allows CORS, a clear message when it refuses or is down; the page itself still cannot connect there", async () => {
    const file = "chrissanders--dns_lab.pcapng";
    const other = await startOtherOrigin({
      "/open/dns.pcapng": { file: join(captures, file), cors: true },
      "/closed/dns.pcapng": { file: join(captures, file), cors: false },
    });
    const gone = await startOtherOrigin({});
    await gone.close();
    const { page, context, requests, problems } = await openPage(env.browser, env.server.url);
    const open = async (url) => {
      await page.fill("#url-input", url);
      await page.evaluate(() => (document.body.dataset.state = "idle"));
      await page.click("#url-form button[type=submit]");
      await settled(page);
    };
    try {
      await context.addCookies([{ name: "secret", value: "1", url: other.url }]);
      // Allowed: streamed into the analysis like a same-origin file.
      await open(`${other.url}open/dns.pcapng`);
      assert.equal(await text(page, "#file-name"), "dns.pcapng");
      assert.equal(await text(page, '[data-key="packet_count"]'), packets(file).toLocaleString("en-US"));
      const got = other.requests.filter((r) => r.path === "/open/dns.pcapng");
      assert.ok(got.length >= 1);
      assert.equal(got[0].mode, "cors");
      assert.equal(got[0].cookie, undefined, "cookies were sent to the other origin");
      assert.equal(got[0].referer, undefined, "the page's address was sent to the other origin");
      // Typed without a scheme, as in an address bar: a loopback host is read over http.
      await page.click(".file-tab-wrap.active .file-tab-close");
      await open(`${other.url.replace("http://", "")}open/dns.pcapng`);
      assert.equal(await text(page, '[data-key="packet_count"]'), packets(file).toLocaleString("en-US"));
      // Refused: the server answers without Access-Control-Allow-Origin.
      await page.click(".file-tab-wrap.active .file-tab-close");
      await open(`${other.url}closed/dns.pcapng`);
      const refused = await text(page, "#status .note-error");
      assert.match(refused, /^Cannot open this URL:/);
      assert.match(refused, /answered, but does not allow other sites to read \/closed\/dns\.pcapng: its response has no Access-Control-Allow-Origin header \(CORS\)/);
      // Down: nothing listens there.
      await page.click(".file-tab-wrap.active .file-tab-close");
      await open(`${gone.url}capture.pcap`);
      assert.match(await text(page, "#status .note-error"), /could not reach http:\/\/127\.0\.0\.1:\d+ .*check the address/s);
      // Not a web URL.
      await page.click(".file-tab-wrap.active .file-tab-close");
      await open("ftp://example.com/capture.pcap");
      assert.match(await text(page, "#status .note-error"), /only http and https URLs can be opened/);
      assert.ok(!requests.some((r) => r.startsWith("ftp:")));
      // The page (the document that shows strings from packets) still cannot connect to another origin.
      const fromPage = await page.evaluate(async (u) => {
        const violation = new Promise((r) => document.addEventListener("securitypolicyviolation", (e) => r(e.effectiveDirective), { once: true }));
        const got = await fetch(u).then(
          () => "read",
          () => "blocked",
        );
        return [got, await Promise.race([violation, new Promise((r) => setTimeout(() => r("no violation"), 2000))])];
      }, `${other.url}open/dns.pcapng`);
      assert.deepEqual(fromPage, ["blocked", "connect-src"]);
      assert.equal(other.requests.filter((r) => r.path === "/open/dns.pcapng").length, 2, "the page's own fetch reached the other origin");
      assert.deepEqual(
        problems.filter((p) => !/CSP violation: connect-src|violates (the following|the document's) Content Security Policy|Access-Control-Allow-Origin|Failed to load resource|ERR_CONNECTION_REFUSED/.test(p)),
        [],
      );
    } finally {
      await context.close();
      await other.close();
    }
  });
});
