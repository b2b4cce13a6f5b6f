// The analysis worker: loads wasm_exec.js and pcaplens.wasm, then analyses
// files for the page, streaming each File in slices through the bridge's
// open/write/close. The first message is "ready" or "failed".
import type { AnalyzeOptions, Request, Response as Reply } from "./protocol";

/** The bridge installed by the Go program (wasm/bridge.go). */
interface Session {
  write(chunk: Uint8Array): Promise<void>;
  closeJSON(): Promise<string>;
  abort(): void;
  progress(): { bytes: number; packets: number; written: number };
}
interface Bridge {
  ready: boolean;
  version: string;
  tools: string[];
  open(options?: AnalyzeOptions): Session;
}
/** Go is defined by wasm_exec.js. */
interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}
interface WorkerScope {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (ev: MessageEvent<Request>) => void): void;
  addEventListener(type: "securitypolicyviolation", listener: (ev: SecurityPolicyViolationEvent) => void): void;
  location: { origin: string; protocol: string };
  importScripts(...urls: string[]): void;
  Go: new () => GoRuntime;
  pcaplens?: Bridge;
  pcaplensReady?: (api: Bridge) => void;
  /** PCAPLENS_WASM_B64 is the module inlined by the single-file build (no fetch from file://). */
  PCAPLENS_WASM_B64?: string;
}

const scope = self as unknown as WorkerScope;
const DEFAULT_CHUNK = 4 << 20;

function post(msg: Reply, transfer?: Transferable[]): void {
  scope.postMessage(msg, transfer ?? []);
}

function errorOf(e: unknown): { code: string; message: string } {
  if (e && typeof e === "object") {
    const o = e as { code?: unknown; message?: unknown };
    return { code: typeof o.code === "string" ? o.code : "internal", message: typeof o.message === "string" ? o.message : String(e) };
  }
  return { code: "internal", message: String(e) };
}

async function load(): Promise<Bridge> {
  // The single-file build puts wasm_exec.js before this code (Go is then defined).
  if (typeof scope.Go !== "function") scope.importScripts("wasm_exec.js");
  const go = new scope.Go();
  const ready = new Promise<Bridge>((resolve) => {
    scope.pcaplensReady = resolve;
  });
  const url = "pcaplens.wasm";
  let instance: WebAssembly.Instance;
  if (scope.PCAPLENS_WASM_B64) {
    const bin = atob(scope.PCAPLENS_WASM_B64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    delete scope.PCAPLENS_WASM_B64;
    instance = (await WebAssembly.instantiate(bytes, go.importObject)).instance;
  } else try {
    const res = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
    instance = res.instance;
  } catch {
    // A server that does not send application/wasm: fall back to bytes.
    const res = await fetch(url);
    if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
    const buf = await res.arrayBuffer();
    instance = (await WebAssembly.instantiate(buf, go.importObject)).instance;
  }
  const exited = go.run(instance).then(() => {
    throw new Error("the WebAssembly program exited");
  });
  return Promise.race([ready, exited]);
}

async function analyzeFile(api: Bridge, id: number, file: Blob, options: AnalyzeOptions, chunkSize: number): Promise<string> {
  const session = api.open(options);
  const total = file.size;
  let offset = 0;
  let lastPost = 0;
  try {
    while (offset < total) {
      const end = Math.min(total, offset + chunkSize);
      const chunk = new Uint8Array(await file.slice(offset, end).arrayBuffer());
      await session.write(chunk);
      offset = end;
      const now = Date.now();
      if (now - lastPost > 50 || offset === total) {
        lastPost = now;
        post({ type: "progress", id, bytes: offset, total, packets: session.progress().packets });
      }
    }
  } catch (e) {
    session.abort();
    throw e;
  }
  const json = await session.closeJSON();
  post({ type: "progress", id, bytes: total, total, packets: session.progress().packets });
  return json;
}

async function analyzeStream(api: Bridge, id: number, stream: ReadableStream<Uint8Array>, total: number, options: AnalyzeOptions): Promise<string> {
  const session = api.open(options);
  const reader = stream.getReader();
  let bytes = 0;
  let lastPost = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      await session.write(r.value);
      bytes += r.value.byteLength;
      const now = Date.now();
      if (now - lastPost > 50) {
        lastPost = now;
        post({ type: "progress", id, bytes, total: Math.max(total, bytes), packets: session.progress().packets });
      }
    }
  } catch (e) {
    session.abort();
    void reader.cancel().catch(() => undefined);
    throw e;
  }
  const json = await session.closeJSON();
  post({ type: "progress", id, bytes, total: bytes, packets: session.progress().packets });
  return json;
}

/** CodedError carries the bridge-style code the page reads ("fetch" for a URL that could not be read). */
class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// The origins this worker's Content-Security-Policy refused, newest last (a
// refused fetch looks like any other network failure from inside fetch()).
const refused: string[] = [];
scope.addEventListener("securitypolicyviolation", (ev) => {
  refused.push(ev.blockedURI);
  if (refused.length > 16) refused.shift();
});

const loopback = (host: string) => host === "localhost" || host === "127.0.0.1" || host === "[::1]";

/**
 * openURL fetches a capture for analysis: GET, no cookies, no referrer. When
 * the request fails it works out why, so that the person reads "the server
 * refused cross-origin reading" rather than "Failed to fetch".
 */
async function openURL(raw: string): Promise<{ body: ReadableStream<Uint8Array>; total: number }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CodedError("fetch", `"${raw}" is not a URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CodedError("fetch", `only http and https URLs can be opened, not ${url.protocol} ones.`);
  if (url.username || url.password) throw new CodedError("fetch", "the URL carries a user name or password, which browsers do not send from a script: remove them, or download the capture and open the file here.");
  if (scope.location.protocol === "https:" && url.protocol === "http:" && !loopback(url.hostname)) {
    throw new CodedError("fetch", `this page was loaded over https, so the browser will not fetch the plain http URL ${url.href} (mixed content). Use an https URL, or download the capture and open the file here.`);
  }
  const seen = refused.length;
  let res: Response;
  try {
    res = await fetch(url.href, { credentials: "omit", cache: "no-cache", referrerPolicy: "no-referrer", mode: "cors" });
  } catch (e) {
    throw new CodedError("fetch", await whyNot(url, e, seen));
  }
  if (!res.ok) throw new CodedError("fetch", `${url.href} answered HTTP ${res.status}${res.statusText ? " " + res.statusText : ""}.`);
  if (!res.body) throw new CodedError("fetch", `${url.href} sent no body.`);
  // Content-Length counts encoded bytes; the body arrives decoded. (Cross-origin,
  // Content-Encoding is not readable: progress then stretches its total as it goes.)
  const enc = res.headers.get("Content-Encoding");
  const total = enc && enc !== "identity" ? 0 : Number(res.headers.get("Content-Length") ?? 0) || 0;
  return { body: res.body, total };
}

/** whyNot explains a fetch that failed before any response. */
async function whyNot(url: URL, e: unknown, seen: number): Promise<string> {
  const detail = e instanceof Error ? e.message : String(e);
  await new Promise((r) => setTimeout(r, 0)); // a policy violation is reported as an event, just after
  if (refused.length > seen) {
    return `this site's Content-Security-Policy does not let the analysis worker connect to ${url.origin}. Download the capture and open the file here.`;
  }
  if (url.origin === scope.location.origin) return `could not read ${url.href} (${detail}): the server did not answer.`;
  // An opaque (no-cors) request tells a server that answered but refused
  // cross-origin reading from one that could not be reached. It is dropped as
  // soon as its headers arrive.
  const ctl = new AbortController();
  try {
    await fetch(url.href, { mode: "no-cors", credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer", signal: ctl.signal });
    ctl.abort();
    return (
      `${url.origin} answered, but does not allow other sites to read ${url.pathname}: its response has no Access-Control-Allow-Origin header (CORS). ` +
      "Download the capture and open the file here, or ask the server's owner to allow cross-origin reading."
    );
  } catch {
    return `could not reach ${url.origin} (${detail}): check the address, and that the server is up and reachable from this browser.`;
  }
}

async function analyzeBytes(api: Bridge, id: number, buffer: ArrayBuffer, options: AnalyzeOptions): Promise<string> {
  return analyzeFile(api, id, new Blob([buffer]), options, DEFAULT_CHUNK);
}

const apiReady = load();
apiReady.then(
  (api) => post({ type: "ready", tools: Array.from(api.tools ?? []), version: String(api.version ?? "") }),
  (e: unknown) => post({ type: "failed", message: `cannot start the analysis engine: ${errorOf(e).message}` }),
);

// Requests run one at a time, in order: each waits for the previous one.
let queue: Promise<unknown> = Promise.resolve();

scope.addEventListener("message", (ev) => {
  const req = ev.data;
  queue = queue.then(async () => {
    try {
      const api = await apiReady;
      let json: string;
      switch (req.type) {
        case "analyzeFile":
          json = await analyzeFile(api, req.id, req.file, req.options ?? {}, req.chunkSize ?? DEFAULT_CHUNK);
          break;
        case "analyzeStream":
          json = await analyzeStream(api, req.id, req.stream, req.total, req.options ?? {});
          break;
        case "analyzeURL": {
          post({ type: "progress", id: req.id, bytes: 0, total: 0, packets: 0 });
          const { body, total } = await openURL(req.url);
          json = await analyzeStream(api, req.id, body, total, req.options ?? {});
          break;
        }
        case "analyzeBytes":
          json = await analyzeBytes(api, req.id, req.buffer, req.options ?? {});
          break;
        default:
          throw new Error(`unknown request ${(req as { type: string }).type}`);
      }
      post({ type: "result", id: req.id, json });
    } catch (e) {
      post({ type: "error", id: req.id, ...errorOf(e) });
    }
  });
});
