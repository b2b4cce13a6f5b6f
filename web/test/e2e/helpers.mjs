// Shared helpers of the end-to-end tests: a server for the built page, a
// headless Chromium, and ways to hand the page a file.
//
// The server is the real `pcaplens serve` (PCAPLENS_BIN, built by `make cli`
// with the page embedded). When that binary is missing or cannot serve yet,
// a small Node server over web/dist/ with the same headers stands in, so
// that the page can be tested before the CLI is finished.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, readFileSync, rmSync, statSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { after, before } from "node:test";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const dist = join(root, "web", "dist");
export const captures = join(root, "testdata", "captures");
export const bin = process.env.PCAPLENS_BIN ? resolve(root, process.env.PCAPLENS_BIN) : join(root, "bin", "pcaplens");

/** csp is the page's Content-Security-Policy, read from web/index.html. */
export const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(readFileSync(join(root, "web", "index.html"), "utf8"))[1];

/** workerCsp is the analysis worker's policy: the page's, except connect-src (as web.WorkerCSP). */
export const workerCsp = csp.replace("connect-src 'self'", "connect-src 'self' https: http:");

/** frameAncestors is what the servers' header adds to the policies (a meta tag cannot carry it: web.HeaderCSP). */
export const frameAncestors = "; frame-ancestors 'none'";

/** tmp returns a fresh temporary directory. */
export function tmp() {
  return mkdtempSync(join(tmpdir(), "pcaplens-e2e-"));
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
    s.on("error", reject);
  });
}

async function waitHTTP(url, proc, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) return false;
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

function staticServer(port) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(dist, path));
    if (!file.startsWith(dist + sep) && file !== dist) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "Content-Type": types[extname(file)] ?? "application/octet-stream",
      "Content-Security-Policy": (path === "/worker.js" ? workerCsp : csp) + frameAncestors,
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-cache",
    });
    res.end(readFileSync(file));
  });
  return new Promise((r) => server.listen(port, "127.0.0.1", () => r(server)));
}

/**
 * startServer serves the page on a free loopback port: `pcaplens serve` when
 * it can, else the stand-in. Returns {url, kind: "pcaplens"|"node", close()}.
 */
export async function startServer() {
  if (!existsSync(join(dist, "index.html")) || !existsSync(join(dist, "pcaplens.wasm"))) {
    throw new Error("web/dist is not built: run `make dist`");
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  if (existsSync(bin) && process.env.PCAPLENS_STANDIN !== "1") {
    const proc = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (d) => (stderr += d));
    if (await waitHTTP(url, proc, 10_000)) {
      return {
        url,
        kind: "pcaplens",
        close: () =>
          new Promise((r) => {
            proc.once("exit", r);
            proc.kill("SIGTERM");
          }),
      };
    }
    if (proc.exitCode === null) proc.kill("SIGKILL");
    console.warn(`e2e: ${bin} serve did not serve the page (${stderr.trim() || "no output"}); using a Node stand-in over web/dist`);
  }
  const server = await staticServer(port);
  return { url, kind: "node", close: () => new Promise((r) => server.close(r)) };
}

/**
 * startOtherOrigin serves files on another loopback port (another origin
 * than the page's): routes maps a path to {file, cors}. With cors, the
 * response allows any origin to read it. Returns {url, requests, close()}.
 */
export async function startOtherOrigin(routes) {
  const port = await freePort();
  const requests = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    requests.push({ method: req.method, path, mode: req.headers["sec-fetch-mode"], cookie: req.headers.cookie, referer: req.headers.referer });
    const r = routes[path];
    if (!r) {
      res.writeHead(404).end("not found");
      return;
    }
    const headers = { "Content-Type": "application/octet-stream" };
    if (r.cors) headers["Access-Control-Allow-Origin"] = "*";
    res.writeHead(200, headers);
    res.end(readFileSync(r.file));
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((r) => server.close(r)) };
}

/** launch starts headless Chromium (Debian's, /usr/bin/chromium). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/**
 * workerDelay (PCAPLENS_E2E_WORKER_DELAY, milliseconds) makes every message of
 * the page's workers reach the page that much later, in order: a worker on a
 * slow, loaded machine; and the file's digests three times as late, after the
 * report (the digest worker is a thread of its own). A test that reads what a
 * worker's answer writes without waiting for it fails then: shake races out
 * with it (make e2e runs with 0).
 */
const workerDelay = Number(process.env.PCAPLENS_E2E_WORKER_DELAY) || 0;

/**
 * cpuSlowdown (PCAPLENS_E2E_CPU_SLOWDOWN, a factor) runs the page's main thread
 * that many times slower (Chromium's CPU throttling), as on a slow machine.
 */
const cpuSlowdown = Number(process.env.PCAPLENS_E2E_CPU_SLOWDOWN) || 1;

/** delayWorkers is the init script of workerDelay. */
function delayWorkers(ms) {
  const Base = window.Worker;
  const ours = new WeakSet();
  window.Worker = class extends Base {
    constructor(url, opts) {
      super(url, opts);
      let last = 0;
      // The first listener: hold each message back and hand it on later, in order.
      this.addEventListener("message", (e) => {
        if (ours.has(e)) return;
        e.stopImmediatePropagation();
        const again = new MessageEvent("message", { data: e.data, ports: [...e.ports] });
        ours.add(again);
        if (e.data?.type === "digests") {
          setTimeout(() => this.dispatchEvent(again), 3 * ms);
          return;
        }
        last = Math.max(performance.now() + ms, last);
        setTimeout(() => this.dispatchEvent(again), last - performance.now());
      });
    }
  };
}

/**
 * openPage opens the app and records every request, console error, page error
 * and CSP violation. Returns {page, context, requests, pageRequests, problems}
 * (pageRequests: without the service worker's). beforeGoto(context, page), when
 * given, runs before the page loads (to watch what the page does while loading:
 * it compiles the engine while idle).
 */
export async function openPage(browser, url, contextOptions = {}, beforeGoto = undefined) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const requests = [];
  const pageRequests = []; // the page's and its workers' own, not the service worker's (it caches the app's files)
  const problems = [];
  context.on("request", (r) => {
    requests.push(r.url());
    if (!r.serviceWorker()) pageRequests.push(r.url());
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  if (workerDelay > 0) await page.addInitScript(delayWorkers, workerDelay);
  if (cpuSlowdown > 1) await (await context.newCDPSession(page)).send("Emulation.setCPUThrottlingRate", { rate: cpuSlowdown });
  await beforeGoto?.(context, page);
  await page.goto(url);
  return { page, context, requests, pageRequests, problems };
}

/** settled waits until the page shows a report, or an error message. */
export async function settled(page, timeout = 30_000) {
  await page.waitForSelector('body[data-state="report"], body[data-state="error"]', { timeout, state: "attached" });
}

/** chooseFile hands the page a file through its file input (as a person picking a file). */
export async function chooseFile(page, path) {
  await page.evaluate(() => (document.body.dataset.state = "idle"));
  await page.setInputFiles("#file-input", path);
  await settled(page);
}

/** dropFile drops a file on the page with a real DataTransfer and drag events. */
export async function dropFile(page, path, name = path.split(sep).pop()) {
  const b64 = readFileSync(path).toString("base64");
  await page.evaluate(() => (document.body.dataset.state = "idle"));
  await page.evaluate(
    ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: "application/octet-stream" }));
      const target = document.querySelector("main") ?? document.body;
      for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
      }
    },
    { b64, name },
  );
  await settled(page);
}

/** text reads the text of the first element matching selector (trimmed; "" when there is none). */
export async function text(page, selector) {
  const loc = page.locator(selector);
  if ((await loc.count()) === 0) return "";
  return (await loc.first().textContent())?.trim() ?? "";
}

/**
 * filterTable types words in the filter box of a table (wrap: its .table-wrap
 * locator) and waits until the table shows the rows they select: the table
 * says it is filtered by them (data-filter) and its first row has come (a
 * list paged from the worker draws placeholders until its page arrives). The
 * filter applies a moment after typing, so a row read or clicked before that
 * is the unfiltered table's. The words must select at least one row.
 */
export async function filterTable(wrap, words) {
  await wrap.locator(".table-filter").fill(words);
  const el = await wrap.elementHandle();
  await wrap.page().waitForFunction(([el, w]) => el.dataset.filter === w, [el, words.trim()]);
  await el.dispose();
  await wrap.locator(".table-rows .tr:not(.loading)").first().waitFor();
}

/**
 * packetsListed waits until the Packets tab lists what `filter` selects: its
 * status speaks for that filter (data-filter) and the filter's pass has ended
 * (data-done). Until then the status and rows may be an earlier filter's.
 * Returns how many packets matched.
 */
export async function packetsListed(page, filter, timeout = 30_000) {
  const got = await page.waitForFunction(
    (f) => {
      const s = document.querySelector('#panel-packets:not([hidden]) [data-key="packets-status"]');
      return s?.dataset.filter === f && s.dataset.done === "true" ? { matched: Number(s.dataset.matched) } : null;
    },
    filter,
    { timeout },
  );
  return (await got.jsonValue()).matched;
}

/**
 * nextFrames waits until the page has drawn n more frames: by the default 3, what
 * a layout set off has run (the frame lays out and ResizeObservers run; the
 * next draws what they scheduled with requestAnimationFrame; ours runs after).
 */
export async function nextFrames(page, n = 3) {
  await page.evaluate((n) => new Promise((r) => {
    const step = (k) => (k === 0 ? r() : requestAnimationFrame(() => step(k - 1)));
    step(n);
  }), n);
}

/** cliReport is what `pcaplens analyze` prints for a file (parsed); flags are extra flags ("--detailed"). */
export function cliReport(path, tools = "", flags = []) {
  const args = ["analyze", ...(tools ? ["--tools", tools] : []), ...flags, path];
  const out = existsSync(bin)
    ? execFileSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 })
    : execFileSync("go", ["run", "./cmd/pcaplens", ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  return JSON.parse(out);
}

/** expected reads testdata/expected/<area>/<file>.json when it exists (capinfos' figures), else null. */
export function expected(area, file) {
  const p = join(root, "testdata", "expected", area, `${file}.json`);
  return existsSync(p) ? JSON.parse(readFileSync(p, "utf8")) : null;
}

/** utcText formats RFC 3339 as the page does: "2016-01-08 20:59:15.346584 UTC" (digits: the capture's precision). */
export function utcText(rfc3339, digits = 6) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(rfc3339);
  if (!m) throw new Error(`not UTC RFC 3339: ${rfc3339}`);
  const frac = (m[3] ?? "").padEnd(digits, "0");
  return `${m[1]} ${m[2]}${digits > 0 ? "." + frac : ""} UTC`;
}

/** sameOrigin is true when every recorded request went to the page's origin (or was data:/blob:). */
export function foreignRequests(requests, url) {
  const origin = new URL(url).origin;
  return requests.filter((r) => !r.startsWith("data:") && !r.startsWith("blob:") && new URL(r).origin !== origin);
}

/**
 * withFindings makes the page see `findings` as the report's top-level
 * "findings" list (the engine's ranked analysis/finding.Finding values), so the
 * Findings tab and Copy for AI can be tested against that contract on any
 * capture: it wraps Worker so the result message's JSON gets the list (and,
 * when several workers share the analysis, the first worker's answer to
 * mergeFindings, the findings of them all), then reloads the page (build the
 * list in Node, e.g. from cliReport: the page's policy forbids eval).
 */
export async function withFindings(page, findings) {
  await page.addInitScript((list) => {
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(url, opts) {
        super(url, opts);
        const merges = new Set();
        this.postMessage = (m, t) => {
          if (m?.type === "mergeFindings") merges.add(m.id);
          return Base.prototype.postMessage.call(this, m, t);
        };
        this.addEventListener("message", (e) => {
          if (e.data?.type === "reply" && merges.has(e.data.id)) {
            Object.defineProperty(e, "data", { value: { ...e.data, value: list } });
            return;
          }
          if (!e.data || e.data.type !== "result") return;
          // The worker sends the report's summary, {report, lists}.
          const summary = JSON.parse(e.data.summary);
          summary.report.findings = list;
          Object.defineProperty(e, "data", { value: { ...e.data, summary: JSON.stringify(summary) } });
        });
      }
    };
  }, findings);
  await page.reload();
}

/**
 * usePage starts the page's server and headless Chromium before the file's
 * tests and stops them after: `const env = usePage();` then `env.server.url`
 * and `openPage(env.browser, env.server.url)`. With setup, the tests also
 * get a temporary folder, env.dir (removed after them), which setup(dir) is
 * given first to write the captures they need in.
 */
export function usePage(setup = undefined) {
  const env = { server: null, browser: null, dir: null };
  before(async () => {
    if (setup) {
      env.dir = tmp();
      await setup(env.dir);
    }
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}
