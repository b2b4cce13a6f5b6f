// Several analysis workers share the analysis of a file (api.ts Analyzer,
// ?workers=N): the report is the same as one worker's (the JSON download byte
// for byte, the findings on screen in the same order), and Cancel and errors
// still end the analysis.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeCapture } from "../gen.mjs";
import { bin, captures, chooseFile, cliReport, openPage, text, usePage } from "./helpers.mjs";

const shared = "/work/shared/captures";
/** files are real captures with findings of several analyses (and one without any). */
const files = [
  join(captures, "chrissanders--synscan.pcapng"),
  join(captures, "pcaplens-ip-fragments.pcap"),
  join(captures, "chrissanders--http_espn.pcapng"),
  join(captures, "chrissanders--sessionhijacking.pcapng"),
  join(captures, "sip-tcp-framing.pcap"),
  join(captures, "truncated.pcapng"),
  join(shared, "real", "chrissanders--ek_to_cryptowall4.pcapng"),
  join(shared, "real", "chrissanders--dns_isp_hijack.pcapng"),
  join(shared, "ja4", "latest.pcapng"),
].filter((f) => existsSync(f));

// The tests write captures of their own in env.dir.
const env = usePage(() => {});

/**
 * openWith opens the page with ?workers=n, recording in window.__analyses the
 * tools of every analyzeFile request the page sends to a worker (?warmup=0:
 * the engine's warm-up, an analysis too, is not recorded among them).
 */
async function openWith(n, options = {}) {
  const opened = await openPage(env.browser, `${env.server.url}?workers=${n}&warmup=0`, { acceptDownloads: true, ...options });
  await opened.page.addInitScript(() => {
    window.__analyses = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (m, t) {
      if (m && m.type === "analyzeFile") window.__analyses.push({ tools: m.options.tools ?? null, helper: !!m.helper });
      return post.call(this, m, t);
    };
  });
  await opened.page.reload();
  return opened;
}

/** shown is what the page shows of a file: the findings on screen and the JSON download's bytes. */
async function shown(page, file) {
  await page.evaluate(() => (window.__analyses.length = 0));
  await chooseFile(page, file);
  assert.equal(await page.evaluate(() => document.body.dataset.state), "report", `${file}: ${await text(page, "#status")}`);
  const findings = await page.$$eval("#panel-findings .finding", (els) => els.map((e) => `${e.getAttribute("data-finding")}: ${e.textContent}`));
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  const json = readFileSync(await dl.path(), "utf8");
  const analyses = await page.evaluate(() => window.__analyses);
  await page.click(".file-tab-wrap.active .file-tab-close");
  return { findings, json, analyses };
}

describe("several workers", () => {
  test("two and three workers give one worker's report: the JSON byte for byte, the findings in order", async () => {
    assert.ok(files.length >= 6, `only ${files.length} captures found`);
    const one = await openWith(1);
    const two = await openWith(2);
    const three = await openWith(3);
    try {
      for (const file of files) {
        const a = await shown(one.page, file);
        assert.equal(a.analyses.length, 1, `${file}: workers=1 ran ${a.analyses.length} analyses`);
        // The page's JSON is what the CLI prints with the page's options.
        if (existsSync(bin)) {
          const cli = execFileSync(bin, ["analyze", "--detailed", "--max-packets", "20000", file], { encoding: "utf8", maxBuffer: 1 << 28 });
          assert.equal(a.json, cli, `${file}: the JSON download is not the CLI's`);
        }
        for (const [n, b] of [
          [2, await shown(two.page, file)],
          [3, await shown(three.page, file)],
        ]) {
          assert.equal(b.analyses.length, n, `${file}: workers=${n} ran ${b.analyses.length} analyses`);
          assert.equal(b.analyses.filter((x) => x.helper).length, n - 1);
          const tools = b.analyses.flatMap((x) => x.tools).sort();
          assert.equal(new Set(tools).size, tools.length, `${file}: a tool ran twice: ${tools}`);
          assert.ok(b.json === a.json, `${file}: workers=${n} JSON differs from workers=1`);
          assert.deepEqual(b.findings, a.findings, `${file}: workers=${n} findings differ`);
        }
      }
      assert.deepEqual([...one.problems, ...two.problems, ...three.problems], []);
    } finally {
      await one.context.close();
      await two.context.close();
      await three.context.close();
    }
  });

  test("with three workers, tables page rows and CSV from the worker holding the list, the Packets tab reads frames back", async () => {
    const { page, context, problems } = await openWith(3);
    try {
      await chooseFile(page, join(captures, "chrissanders--synscan.pcapng"));
      const analyses = await page.evaluate(() => window.__analyses);
      assert.equal(analyses.length, 3);
      // With three workers the TCP analysis runs in a helper, not in the first worker (which answers the packet calls).
      assert.ok(analyses.some((a) => a.helper && a.tools.includes("tcp_connections")), `TCP is not in a helper: ${JSON.stringify(analyses)}`);
      // The TCP connections (more than the summary's 100 rows): the last ones come from the worker that holds them.
      const all = cliReport(join(captures, "chrissanders--synscan.pcapng"), "tcp_connections", ["--detailed"]).tcp_connections.connections;
      await page.click("#tab-tcp");
      const table = '#panel-tcp [data-key="tcp-conn-table"]';
      await page.locator(`${table} .table-body`).focus();
      await page.keyboard.press("End");
      await page.waitForFunction((t) => document.querySelectorAll(`${t} .table-rows .tr`).length > 0 && document.querySelectorAll(`${t} .table-rows .tr.loading`).length === 0, table);
      const last = await page.evaluate((t) => {
        const i = [...document.querySelectorAll(`${t} .thead .th`)].findIndex((h) => h.dataset.key === "stream");
        return Number([...document.querySelectorAll(`${t} .table-rows .tr`)].at(-1).children[i].textContent);
      }, table);
      assert.equal(last, all.at(-1).stream);
      // Its CSV comes from that worker too: every connection.
      const [dl] = await Promise.all([page.waitForEvent("download"), page.locator(`${table} .table-csv`).click()]);
      const lines = readFileSync(await dl.path(), "utf8").trimEnd().split("\r\n");
      assert.equal(lines.length, all.length + 1);
      // The Packets tab reads the file back in the first worker.
      await page.click("#tab-packets");
      await page.waitForSelector('[data-key="packets-status"][data-done="true"][data-matched="2011"]');
      await page.waitForSelector(".pk-body .pk-row");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("Cancel stops every worker; an error in one worker is reported", async () => {
    const big = join(env.dir, "big.pcap");
    writeCapture(big, 300_000);
    const { page, context, problems } = await openWith(2);
    try {
      await page.setInputFiles("#file-input", big);
      await page.waitForFunction(() => document.querySelector("#progress-bar").value > 0);
      assert.equal(await page.evaluate(() => window.__analyses.length), 2, "the analysis is not shared by two workers");
      assert.equal(await page.evaluate(() => document.body.dataset.state), "busy", "the analysis finished before Cancel could be tested");
      await page.click("#cancel");
      await page.waitForSelector('body[data-state="cancelled"]', { state: "attached" });
      assert.match(await text(page, "#status"), /cancelled/i);
      // A file that is not a capture fails in both workers: one error, said once.
      const junk = join(env.dir, "junk.pcap");
      writeFileSync(junk, "this is not a capture file at all, just some text\n".repeat(20));
      await chooseFile(page, junk);
      assert.equal(await page.evaluate(() => document.body.dataset.state), "error");
      assert.match(await text(page, "#status"), /not a capture file/);
      // The next file works.
      await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
      assert.equal(await text(page, '[data-key="packet_count"]'), "7");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
    // A helper worker that crashes fails the analysis with its error (the page does not wait for it).
    const crash = await openWith(2);
    try {
      await crash.page.addInitScript(() => {
        const post = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (m, t) {
          const r = post.call(this, m, t);
          if (m && m.type === "analyzeFile" && m.helper) setTimeout(() => this.dispatchEvent(new ErrorEvent("error", { message: "simulated crash" })), 0);
          return r;
        };
      });
      await crash.page.reload();
      await chooseFile(crash.page, big);
      assert.equal(await crash.page.evaluate(() => document.body.dataset.state), "error");
      assert.match(await text(crash.page, "#status"), /the analysis worker crashed: simulated crash/);
    } finally {
      await crash.context.close();
    }
  });
});
