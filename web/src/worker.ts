// The analysis worker: loads wasm_exec.js and pcaplens.wasm, then analyses
// files for the page, streaming each File in slices through the bridge's
// open/write/close. The first message is "ready" or "failed".
import { SHA1, SHA256 } from "./digest/sha";
import type { AnalyzeOptions, ReportRequest, Request, Response as Reply } from "./protocol";
import type { ListQuery } from "./ui/table";
import type { SoFar } from "./app/sofar";
import type { Report } from "./views/types";
import { aiReport, defaultGuide } from "./app/aireport";
import { findingsOf } from "./app/figures";
import { guideById } from "./guides";
import { readBlob } from "./app/readblob";

/** The bridge installed by the Go program (wasm/bridge.go). */
interface Session {
  write(chunk: Uint8Array): Promise<void>;
  closeJSON(digests?: Digests): Promise<string>;
  /** closeSummary ends the input and resolves to the summary (JSON text); the reports stay in the session. */
  closeSummary(digests?: Digests): Promise<string>;
  rows(q: ListQuery): Promise<unknown>;
  /** reportMembers resolves to each kept report as a member of the CLI's document ("name":value). */
  reportMembers(): Promise<{ name: string; member: Uint8Array }[]>;
  /** toolFindings resolves to each kept report's own findings, by tool (for another session's mergeFindings). */
  toolFindings(): Promise<unknown>;
  /** mergeFindings ranks the kept reports' findings with other sessions' toolFindings; resolves to them. */
  mergeFindings(others: unknown[]): Promise<unknown[]>;
  csv(q: ListQuery, columns: { key: string; path: string }[]): Promise<Uint8Array[]>;
  /** setDigests gives the report the file's digests after closeSummary ({} when they failed). */
  setDigests(d: Partial<Digests>): void;
  abort(): void;
  progress(): { bytes: number; packets: number; written: number; tcpStreams?: number; udpStreams?: number; findings?: SoFar[] };
  packets(q: { filter: string; skip: number; limit: number }): Promise<unknown>;
  frame(n: number): Promise<{ bytes: Uint8Array; datagram?: Uint8Array }>;
  follow(kind: string, stream: number, o?: { limit?: number }): Promise<{ chunks: { data: Uint8Array }[] }>;
  export(filter: string): Promise<Uint8Array>;
  filterProgress(): unknown;
  dispose(): void;
}
/** Source is what the session reads the capture back from (a File's slices). */
interface Source {
  size: number;
  /** into, when given, is an array of at least length bytes to fill and answer a view of (the bridge reuses it). */
  readAt(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
}
interface Bridge {
  ready: boolean;
  version: string;
  tools: string[];
  /** digestTools are the tools that report the file's digests (capinfos). */
  digestTools?: string[];
  /** externalDigests: the caller gives the input's digests to closeJSON (see Digester). */
  open(options?: AnalyzeOptions & { externalDigests?: boolean; source?: Source }): Session;
  checkFilter(expr: string): unknown;
  /** plan splits the options' tools into groups for at most that many workers (by the analyzers' measured costs). */
  plan(options: AnalyzeOptions, workers: number): string[][];
  /** warmupCapture is a synthetic capture of everyday traffic (pcap bytes), analysed while the page is idle. */
  warmupCapture(conversations?: number): Uint8Array;
}
/** Go is defined by wasm_exec.js. */
interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}
interface WorkerScope {
  name: string;
  postMessage(message: Reply | DigestReply, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (ev: MessageEvent<Request | DigestRequest>) => void): void;
  addEventListener(type: "securitypolicyviolation", listener: (ev: SecurityPolicyViolationEvent) => void): void;
  location: { origin: string; protocol: string; href: string };
  importScripts(...urls: string[]): void;
  Go: new () => GoRuntime;
  pcaplens?: Bridge;
  pcaplensReady?: (api: Bridge) => void;
  /** PCAPLENS_WASM_B64 is the module inlined by the single-file build (no fetch from file://). */
  PCAPLENS_WASM_B64?: string;
}

const scope = self as unknown as WorkerScope;
const DEFAULT_CHUNK = 4 << 20;
/** FIRST_CHUNK caps the first slice of a file (the bridge's progress step): its progress message, with the first findings, comes sooner. */
const FIRST_CHUNK = 256 << 10;

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

/** initMessage resolves with the page's first message: the shared compiled module, if any. */
let initMessage: Promise<WebAssembly.Module | undefined>;

async function load(): Promise<Bridge> {
  // The single-file build puts wasm_exec.js before this code (Go is then defined).
  if (typeof scope.Go !== "function") scope.importScripts("wasm_exec.js");
  const go = new scope.Go();
  const ready = new Promise<Bridge>((resolve) => {
    scope.pcaplensReady = resolve;
  });
  const url = "pcaplens.wasm";
  let instance: WebAssembly.Instance;
  const shared = await initMessage;
  if (shared) {
    instance = await WebAssembly.instantiate(shared, go.importObject);
  } else if (scope.PCAPLENS_WASM_B64) {
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

/**
 * The file's SHA-256 and SHA-1 (capinfos reports them) are computed in a
 * second worker, beside the analysis: under WebAssembly, Go's hashing would
 * run on the analysis' own thread and take as long as the analysis itself.
 * The digest worker is this same script, started with the name below. For a
 * File it reads the file itself, so that hashing (in Chromium slower than the
 * analysis of a share of the tools) never holds the analysis back; a stream's
 * chunks are handed to it as the analysis reads them.
 */
const DIGEST_WORKER = "pcaplens-digest";
/** Digests are the input's hex digests, as the bridge's close takes them. */
interface Digests {
  sha256: string;
  sha1: string;
}
type DigestRequest = { type: "chunk"; buffer: ArrayBuffer } | { type: "end" } | { type: "file"; file: Blob };
type DigestReply = { type: "ack"; bytes: number } | ({ type: "digests" } & Digests) | { type: "failed" };

/** IN_FLIGHT bounds the bytes handed to the digest worker and not yet hashed. */
const IN_FLIGHT = 32 << 20;

/**
 * hashAfterPass is true on a machine of two cores or fewer: there the digest
 * worker, hashing beside the analysis, took the core the page's main thread
 * and the browser's own threads need, and they took time from the analysis
 * worker instead (on 1 M frames, 524 MB: the worker busy 17.5 s for 13.7 s
 * of CPU). So it hashes a File once the report is built (hashing while it
 * was built made the building 0.3–0.5 s longer on 1 M frames): the report
 * comes sooner, the digests later (the capture card says "computing…" until
 * then). With more cores it hashes from the start, beside the analysis.
 */
function hashAfterPass(): boolean {
  const n = typeof navigator === "undefined" ? 0 : navigator.hardwareConcurrency;
  return Number.isInteger(n) && n > 0 && n <= 2;
}

class Digester {
  private inFlight = 0;
  private failed = false;
  /** whole is set when the digest worker reads the File itself: nothing is fed. */
  private whole = false;
  /** file is the File the digest worker is to read, until begin hands it over. */
  private file: Blob | null = null;
  private wake: (() => void) | null = null;
  private done!: (d: Digests | undefined) => void;
  private readonly result = new Promise<Digests | undefined>((r) => (this.done = r));

  private constructor(private readonly worker: Worker) {
    worker.onmessage = (ev: MessageEvent<DigestReply>) => {
      const m = ev.data;
      if (m.type === "ack") {
        this.inFlight -= m.bytes;
        this.resume();
      } else if (m.type === "failed") {
        this.stop();
      } else {
        this.done({ sha256: m.sha256, sha1: m.sha1 });
        worker.terminate();
      }
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      this.stop();
    };
  }

  /**
   * start makes a digest worker when the run needs the file's digests (every
   * tool, or one of the bridge's digestTools), or returns null: then the
   * engine hashes if it must, as natively. Given a File, the digest worker
   * reads it itself.
   */
  static start(api: Bridge, options: AnalyzeOptions, file?: Blob): Digester | null {
    const needs = api.digestTools ?? [];
    if (needs.length === 0 || (options.tools?.length && !options.tools.some((t) => needs.includes(t)))) return null;
    if (typeof Worker !== "function") return null;
    try {
      const d = new Digester(new Worker(scope.location.href, { name: DIGEST_WORKER }));
      if (file) {
        d.whole = true;
        d.file = file;
        if (!hashAfterPass()) d.begin();
      }
      return d;
    } catch {
      return null;
    }
  }

  /**
   * feed hands the digest worker a chunk (after the bridge has copied it):
   * transferred when the chunk owns its whole buffer and may be given away,
   * copied otherwise. It waits while too much is still unhashed.
   */
  async feed(chunk: Uint8Array, mayTransfer: boolean): Promise<void> {
    if (this.whole || this.failed || chunk.byteLength === 0) return;
    const whole = mayTransfer && chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
    const buffer = whole ? (chunk.buffer as ArrayBuffer) : chunk.slice().buffer;
    this.inFlight += buffer.byteLength;
    this.worker.postMessage({ type: "chunk", buffer } satisfies DigestRequest, [buffer]);
    while (this.inFlight > IN_FLIGHT && !this.failed) await new Promise<void>((r) => (this.wake = r));
  }

  private resume(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /**
   * begin has the digest worker read the File (once): at the start, or, where
   * the digests would take a core from the analysis (hashAfterPass), once the
   * report is built.
   */
  begin(): void {
    if (!this.file || this.failed) return;
    this.worker.postMessage({ type: "file", file: this.file } satisfies DigestRequest);
    this.file = null;
  }

  /** digests ends the input and resolves to the digests (undefined if the digest worker failed). */
  digests(): Promise<Digests | undefined> {
    this.begin();
    if (!this.failed && !this.whole) this.worker.postMessage({ type: "end" } satisfies DigestRequest);
    return this.result;
  }

  /** stop ends the digest worker now. */
  stop(): void {
    this.failed = true;
    this.worker.terminate();
    this.resume();
    this.done(undefined);
  }
}

/**
 * digestMain is the digest worker: chunks in, one ack each, the digests at
 * the end; or a File, read in chunks (readBlob), then the digests.
 */
function digestMain(): void {
  const a = new SHA256();
  const b = new SHA1();
  const hash = (bytes: Uint8Array) => {
    a.update(bytes);
    b.update(bytes);
  };
  const done = () => scope.postMessage({ type: "digests", sha256: a.hex(), sha1: b.hex() });
  scope.addEventListener("message", (ev) => {
    const m = ev.data;
    if (m.type === "chunk") {
      const bytes = new Uint8Array(m.buffer);
      hash(bytes);
      scope.postMessage({ type: "ack", bytes: bytes.byteLength });
    } else if (m.type === "end") {
      done();
    } else if (m.type === "file") {
      readBlob(m.file, DEFAULT_CHUNK, DEFAULT_CHUNK, (bytes) => hash(bytes))
        .then(done)
        .catch(() => scope.postMessage({ type: "failed" }));
    }
  });
}

/**
 * kept is the session of the last analysis: it keeps the reports (the report
 * calls) and, for a File (readable), answers the packet calls, reading the
 * File back through its slices, until the next analysis.
 */
let kept: Session | null = null;
let readable = false;
/** digestsDone settles once the kept session's report has its digests (or they failed). */
let digestsDone: Promise<void> = Promise.resolve();

function keep(s: Session | null, canRead = false): void {
  kept?.dispose();
  kept = s;
  readable = canRead;
  digestsDone = Promise.resolve();
}

/**
 * summarize ends the input and resolves to the summary without waiting for the
 * digests: they go to the session and to the page (a "digests" message) when ready.
 */
async function summarize(session: Session, id: number, digester: Digester | null, canRead: boolean): Promise<string> {
  // Where the digests wait for the pass (hashAfterPass), they wait for the
  // report's building too: hashing beside it took the core the building
  // and the page's drawing need.
  const summary = await session.closeSummary();
  const digests = digester?.digests();
  keep(session, canRead);
  if (digests) {
    digestsDone = digests.then((d) => {
      if (kept === session) session.setDigests(d ?? {});
      post({ type: "digests", id, ...(d ?? {}) });
    });
  }
  return summary;
}

/** counts are the session's running figures for a progress message: packets, TCP and UDP streams, the findings so far. */
function counts(s: Session): { packets: number; tcpStreams: number; udpStreams: number; findings: SoFar[] } {
  const p = s.progress();
  return { packets: p.packets, tcpStreams: p.tcpStreams ?? 0, udpStreams: p.udpStreams ?? 0, findings: p.findings ?? [] };
}

/**
 * stager returns a function that copies a chunk into one staging buffer and
 * gives a view of it, for session.write. The bridge copies what it is handed
 * before write returns, but Go's reference to the JavaScript object lasts
 * until Go's next collection (its finalizer lets it go): handed the slices
 * themselves, their 4 MiB buffers piled up in the worker meanwhile, about
 * 450 MB of a 1 GB file's (docs/benchmarks.md). Handed views of one buffer,
 * only the small views wait. Each view is valid until the next call.
 */
function stager(): (chunk: Uint8Array) => Uint8Array {
  let staging: Uint8Array | null = null;
  return (chunk) => {
    if (!staging || staging.byteLength < chunk.byteLength) staging = new Uint8Array(chunk.byteLength);
    const view = staging.subarray(0, chunk.byteLength);
    view.set(chunk);
    return view;
  };
}

/**
 * fileSource reads a Blob back in slices for the bridge: into the array the
 * bridge gives (it reuses them: an array made afresh for each read would be
 * held by Go until its next collection, as stager says), answering a view.
 */
function fileSource(file: Blob): Source {
  return {
    size: file.size,
    readAt: async (offset, length, into) => {
      const b = new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
      if (!into || into.byteLength < b.byteLength) return b;
      into.set(b);
      return into.subarray(0, b.byteLength);
    },
  };
}

/**
 * analyzeFile analyses a File read in chunks (readBlob). A helper (one of
 * several workers over the same File, api.ts) keeps no source: the leading
 * worker answers the packet calls.
 */
async function analyzeFile(api: Bridge, id: number, file: Blob, options: AnalyzeOptions, chunkSize: number, helper = false): Promise<string> {
  const digester = Digester.start(api, options, file);
  keep(null);
  const session = api.open({ ...options, externalDigests: !!digester, ...(helper ? {} : { source: fileSource(file) }) });
  const total = file.size;
  let lastPost = 0;
  const stage = stager();
  try {
    await readBlob(file, FIRST_CHUNK, chunkSize, async (chunk, end, fresh) => {
      // The bridge copies the chunk (and the engine reads it) before write
      // returns: the next chunk is read while the engine works on this one.
      // A slice's own array is staged first (stager says why); a view of
      // readBlob's one buffer is not.
      const written = session.write(fresh ? stage(chunk) : chunk);
      await digester?.feed(chunk, fresh);
      await written;
      const now = Date.now();
      if (now - lastPost > 50 || end === total) {
        lastPost = now;
        post({ type: "progress", id, bytes: end, total, ...counts(session) });
      }
    });
  } catch (e) {
    session.abort();
    digester?.stop();
    throw e;
  }
  // The input has ended: say so now, the report takes a while to build.
  post({ type: "progress", id, bytes: total, total, ...counts(session), phase: "building" });
  return summarize(session, id, digester, !helper);
}

async function analyzeStream(api: Bridge, id: number, stream: ReadableStream<Uint8Array>, total: number, options: AnalyzeOptions): Promise<string> {
  const digester = Digester.start(api, options);
  keep(null); // a stream cannot be read back: no packet calls
  const session = api.open({ ...options, externalDigests: !!digester });
  const reader = stream.getReader();
  const stage = stager();
  let bytes = 0;
  let lastPost = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      const written = session.write(stage(r.value));
      await digester?.feed(r.value, false);
      await written;
      bytes += r.value.byteLength;
      const now = Date.now();
      if (now - lastPost > 50) {
        lastPost = now;
        post({ type: "progress", id, bytes, total: Math.max(total, bytes), ...counts(session) });
      }
    }
  } catch (e) {
    session.abort();
    digester?.stop();
    void reader.cancel().catch(() => undefined);
    throw e;
  }
  post({ type: "progress", id, bytes, total: bytes, ...counts(session), phase: "building" });
  return summarize(session, id, digester, false);
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

type PacketRequest = Extract<Request, { type: "packets" | "frame" | "follow" | "export" | "checkFilter" | "filterProgress" | "plan" | "warmupCapture" }>;

/** packetCall answers one packet call from the kept session, transferring the bytes. */
async function packetCall(apiReady: Promise<Bridge>, req: PacketRequest): Promise<void> {
  try {
    const api = await apiReady;
    if (req.type === "checkFilter") {
      post({ type: "reply", id: req.id, value: api.checkFilter(req.expr) });
      return;
    }
    if (req.type === "plan") {
      const groups = api.plan(req.options, req.workers);
      if (groups instanceof Error) throw groups;
      post({ type: "reply", id: req.id, value: groups });
      return;
    }
    if (req.type === "warmupCapture") {
      const b = api.warmupCapture();
      if (b instanceof Error) throw b;
      post({ type: "reply", id: req.id, value: b }, [b.buffer]);
      return;
    }
    const s = kept;
    if (!s || !readable) throw new CodedError("unavailable", "the packets of this capture cannot be read back (only a file opened from this computer can be).");
    let value: unknown;
    const transfer: Transferable[] = [];
    const own = (u: Uint8Array | undefined) => {
      if (u && u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && !transfer.includes(u.buffer)) transfer.push(u.buffer);
    };
    switch (req.type) {
      case "packets":
        value = await s.packets({ filter: req.filter, skip: req.skip, limit: req.limit });
        break;
      case "frame": {
        const d = await s.frame(req.n);
        own(d.bytes);
        own(d.datagram);
        value = d;
        break;
      }
      case "follow": {
        const c = await s.follow(req.kind, req.stream, { limit: req.limit ?? 0 });
        for (const ch of c.chunks) own(ch.data);
        value = c;
        break;
      }
      case "export": {
        const b = await s.export(req.filter);
        own(b);
        value = b;
        break;
      }
      case "filterProgress": {
        const p = s.filterProgress();
        if (p instanceof Error) throw p;
        value = p;
        break;
      }
    }
    post({ type: "reply", id: req.id, value }, transfer);
  } catch (e) {
    const o = (e ?? {}) as { pos?: unknown; len?: unknown };
    post({ type: "error", id: req.id, ...errorOf(e), ...(typeof o.pos === "number" ? { pos: o.pos, len: Number(o.len) || 0 } : {}) });
  }
}

/** blobOf joins the bridge's parts in a Blob (the browser may keep it out of this worker's memory). */
function blobOf(parts: Uint8Array[], type: string): Blob {
  return new Blob(parts as BlobPart[], { type });
}

/** reportCall answers one report call from the kept session's reports. */
async function reportCall(req: ReportRequest): Promise<void> {
  try {
    const s = kept;
    if (!s) throw new CodedError("unavailable", "no report is kept: analyse a capture first.");
    let value: unknown;
    switch (req.type) {
      case "rows":
        value = await s.rows(req.query);
        break;
      case "csv":
        value = blobOf(await s.csv(req.query, req.columns), "text/csv");
        break;
      case "reportMembers":
        await digestsDone;
        value = (await s.reportMembers()).map((m) => ({ name: m.name, member: blobOf([m.member], "application/json") }));
        break;
      case "mergeFindings":
        value = await s.mergeFindings(req.others);
        break;
      case "aiReport": {
        // The whole report (every worker's), parsed here for the time it takes to write the Markdown.
        const report = JSON.parse(await req.report.text()) as Report;
        report.findings = req.findings as Report["findings"]; // the ones the page shows
        const guide = req.guide ? guideById(req.guide) : defaultGuide(findingsOf(report), report);
        value = { markdown: aiReport(req.name, report, guide, (t) => req.labels[t] ?? t), guide: guide.id };
        break;
      }
    }
    post({ type: "reply", id: req.id, value });
  } catch (e) {
    post({ type: "error", id: req.id, ...errorOf(e) });
  }
}

/**
 * Rows calls wait for a turn of the event loop. One from a table asking for
 * a view of its list (sort, filter, where) that a newer call of the same
 * table for another view has replaced meanwhile is answered "superseded",
 * unread: the table has moved on (its filter typed on, its sort changed),
 * and a filter or sort of a long list of rows made when read takes seconds,
 * during which the next calls arrive. A call for a finding's evidence is
 * never dropped.
 */
const pendingRows: Extract<ReportRequest, { type: "rows" }>[] = [];
let rowsDraining = false;

function viewOf(q: ListQuery): string {
  return JSON.stringify([q.path, q.sort ?? "", q.desc ?? false, q.filter ?? "", q.where ?? null, q.overlap ?? null]);
}

function queueRows(req: Extract<ReportRequest, { type: "rows" }>): void {
  const view = viewOf(req.query);
  for (let i = pendingRows.length - 1; i >= 0; i--) {
    const o = pendingRows[i]!;
    const evidence = (o.query.frames?.length ?? 0) > 0 || (o.query.subjects?.length ?? 0) > 0;
    if (o.query.table !== undefined && o.query.table === req.query.table && !evidence && viewOf(o.query) !== view) {
      pendingRows.splice(i, 1);
      post({ type: "error", id: o.id, ...errorOf(new CodedError("superseded", "a newer query of the same list replaced this one")) });
    }
  }
  pendingRows.push(req);
  if (!rowsDraining) {
    rowsDraining = true;
    setTimeout(() => void drainRows(), 0);
  }
}

async function drainRows(): Promise<void> {
  for (let r = pendingRows.shift(); r; r = pendingRows.shift()) await reportCall(r);
  rowsDraining = false;
}

if (scope.name === DIGEST_WORKER) digestMain();
else analysisMain();

function analysisMain(): void {
  initMessage = new Promise((resolve) => {
    scope.addEventListener("message", (ev) => {
      if (ev.data.type === "init") resolve(ev.data.module);
    });
  });
  const apiReady = load();
  apiReady.then(
    (api) => post({ type: "ready", tools: Array.from(api.tools ?? []), version: String(api.version ?? "") }),
    (e: unknown) => post({ type: "failed", message: `cannot start the analysis engine: ${errorOf(e).message}` }),
  );

  // Requests run one at a time, in order: each waits for the previous one.
  let queue: Promise<unknown> = Promise.resolve();

  scope.addEventListener("message", (ev) => {
    const req = ev.data as Request;
    if (req.type === "init") return;
    switch (req.type) {
      case "packets":
      case "frame":
      case "follow":
      case "export":
      case "checkFilter":
      case "filterProgress":
      case "plan":
      case "warmupCapture":
        // Not queued: a packet call runs beside the others (a newer packets call supersedes one still running).
        void packetCall(apiReady, req);
        return;
      case "rows":
        queueRows(req);
        return;
      case "reportMembers":
      case "mergeFindings":
      case "csv":
      case "aiReport":
        void reportCall(req);
        return;
    }
    queue = queue.then(async () => {
      try {
        const api = await apiReady;
        let summary: string;
        let toolFindings: unknown;
        switch (req.type) {
          case "analyzeFile":
            summary = await analyzeFile(api, req.id, req.file, req.options ?? {}, req.chunkSize ?? DEFAULT_CHUNK, req.helper);
            if (req.helper) toolFindings = await kept!.toolFindings();
            break;
          case "analyzeStream":
            summary = await analyzeStream(api, req.id, req.stream, req.total, req.options ?? {});
            break;
          case "analyzeURL": {
            post({ type: "progress", id: req.id, bytes: 0, total: 0, packets: 0 });
            const { body, total } = await openURL(req.url);
            summary = await analyzeStream(api, req.id, body, total, req.options ?? {});
            break;
          }
          default:
            throw new Error(`unknown request ${(req as { type: string }).type}`);
        }
        post({ type: "result", id: req.id, summary, ...(toolFindings === undefined ? {} : { toolFindings }) });
      } catch (e) {
        post({ type: "error", id: req.id, ...errorOf(e) });
      }
    });
  });
}
