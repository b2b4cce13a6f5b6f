// The one module that talks to the analysis worker.
//
// An Analyzer owns one dedicated Worker. Requests carry ids; the worker's
// answers settle the matching promise. If the worker fails to start or
// crashes, every pending request is rejected. cancel() terminates the worker
// (stopping the analysis at once) and starts a fresh one.
import type { AnalyzeOptions, Conversation, Detail, FilterCheck, FilterProgress, Page, ReportRequest, Request, Response } from "./protocol";
import type { ListPage, ListQuery, ListSource } from "./ui/table";
import type { SoFar } from "./app/sofar";

export type { AnalyzeOptions, Conversation, Detail, Field, FilterCheck, FilterProgress, Layer, Page, Row } from "./protocol";

import type { Report } from "./views/types";

/** Report is the whole report: one key per tool, as `pcaplens analyze` prints it (generated types). */
export type { Report } from "./views/types";

/** Progress of one analysis. */
export interface Progress {
  bytes: number;
  total: number;
  packets: number;
  /** tcpStreams and udpStreams are the TCP and UDP streams seen so far. */
  tcpStreams?: number;
  udpStreams?: number;
  /** phase is "building" once the last byte is read and the report is being built. */
  phase?: "reading" | "building";
  /** findings are the findings known so far (app/sofar.ts). */
  findings?: readonly SoFar[];
}

/** AnalysisError is a failed analysis; code is the bridge's code ("bad_input", "aborted", "internal", …). */
export class AnalysisError extends Error {
  readonly code: string;
  /** pos and len locate the error of a bad display filter (code "bad_filter"). */
  readonly pos: number;
  readonly len: number;
  constructor(code: string, message: string, pos = -1, len = 0) {
    super(message);
    this.name = "AnalysisError";
    this.code = code;
    this.pos = pos;
    this.len = len;
  }
}

/** Digests are the file's SHA-256 and SHA-1 (lower-case hex). */
export interface Digests {
  sha256: string;
  sha1: string;
}

/**
 * Result is a finished analysis as the page holds it: the report's summary
 * (every report, each list longer than the worker's cut holding only its first
 * rows), the whole lengths of the lists cut (by path, "dns.transactions"),
 * and the file's digests when they come (null: not computed). The whole
 * report stays in the worker: tables page its lists (rows, ListSource),
 * reportJSON and csv export it, aiReport writes the Markdown from it.
 */
export interface Result {
  report: Report;
  lists: Readonly<Record<string, number>>;
  digests: Promise<Digests | null>;
}

interface Pending {
  resolve(r: Result): void;
  reject(e: Error): void;
  onProgress: ((p: Progress) => void) | undefined;
}

/** Analyzer runs analyses in a dedicated worker. */
export class Analyzer {
  private worker!: Worker;
  private pending = new Map<number, Pending>();
  /** calls are the packet and report calls waiting for their reply. */
  private calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** digests settle each analysis' Result.digests, by request id. */
  private digestWaiters = new Map<number, (d: Digests | null) => void>();
  /** early holds digests that came before their result (the worker sends them as soon as they are ready). */
  private early = new Map<number, Digests | null>();
  private nextId = 1;
  private readyPromise!: Promise<{ tools: string[]; version: string }>;

  /**
   * module, when given, is the compiled engine shared by every worker of the page:
   * each worker instantiates it instead of compiling its own copy, and code the
   * browser has optimised while one file was analysed serves the next.
   */
  constructor(
    private readonly workerURL = "worker.js",
    private readonly module?: Promise<WebAssembly.Module | undefined>,
  ) {
    this.start();
  }

  /** ready resolves when the engine is loaded (with its tool names), or rejects if it failed to load. */
  get ready(): Promise<{ tools: string[]; version: string }> {
    return this.readyPromise;
  }

  private start(): void {
    const w = new Worker(this.workerURL);
    this.worker = w;
    const init = (module?: WebAssembly.Module) => w.postMessage({ type: "init", module } satisfies Request);
    if (this.module) this.module.then(init, () => init());
    else init();
    let settle!: { resolve(v: { tools: string[]; version: string }): void; reject(e: Error): void };
    this.readyPromise = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.readyPromise.catch(() => undefined); // observed by callers that care
    w.onmessage = (ev: MessageEvent<Response>) => {
      const m = ev.data;
      switch (m.type) {
        case "ready":
          settle.resolve({ tools: m.tools, version: m.version });
          break;
        case "failed":
          settle.reject(new AnalysisError("failed", m.message));
          this.failAll(new AnalysisError("failed", m.message));
          break;
        case "progress":
          this.pending.get(m.id)?.onProgress?.({ bytes: m.bytes, total: m.total, packets: m.packets, tcpStreams: m.tcpStreams, udpStreams: m.udpStreams, phase: m.phase ?? "reading", findings: m.findings });
          break;
        case "result": {
          const p = this.pending.get(m.id);
          if (!p) break;
          this.pending.delete(m.id);
          try {
            const sum = JSON.parse(m.summary) as { report: Report; lists: Record<string, number> };
            const digests = new Promise<Digests | null>((resolve) => this.digestWaiters.set(m.id, resolve));
            // A report without capinfos, or whose digests came with it, has none to wait for.
            const cap = (sum.report as { capinfos?: { sha256?: unknown } }).capinfos;
            if (this.early.has(m.id)) this.settleDigests(m.id, this.early.get(m.id)!);
            else if (!cap || typeof cap.sha256 !== "string" || cap.sha256 !== "") this.settleDigests(m.id, null);
            this.early.delete(m.id);
            p.resolve({ report: sum.report, lists: sum.lists ?? {}, digests });
          } catch (e) {
            p.reject(new AnalysisError("internal", `the report summary is not valid JSON: ${String(e)}`));
          }
          break;
        }
        case "digests": {
          const d = m.sha256 && m.sha1 ? { sha256: m.sha256, sha1: m.sha1 } : null;
          if (this.digestWaiters.has(m.id)) this.settleDigests(m.id, d);
          else if (this.pending.has(m.id)) this.early.set(m.id, d);
          break;
        }
        case "reply": {
          const c = this.calls.get(m.id);
          this.calls.delete(m.id);
          c?.resolve(m.value);
          break;
        }
        case "error": {
          const err = new AnalysisError(m.code, m.message, m.pos ?? -1, m.len ?? 0);
          const c = this.calls.get(m.id);
          if (c) {
            this.calls.delete(m.id);
            c.reject(err);
            break;
          }
          const p = this.pending.get(m.id);
          if (!p) break;
          this.pending.delete(m.id);
          p.reject(err);
          break;
        }
      }
    };
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      const err = new AnalysisError("crashed", `the analysis worker crashed: ${ev.message || "unknown error"}`);
      settle.reject(err);
      this.failAll(err);
    };
    w.onmessageerror = () => {
      this.failAll(new AnalysisError("crashed", "the analysis worker sent a message that could not be read"));
    };
  }

  private settleDigests(id: number, d: Digests | null): void {
    const w = this.digestWaiters.get(id);
    this.digestWaiters.delete(id);
    w?.(d);
  }

  private failAll(err: Error): void {
    for (const w of this.digestWaiters.values()) w(null);
    this.digestWaiters.clear();
    const all = [...this.pending.values(), ...this.calls.values()];
    this.pending.clear();
    this.calls.clear();
    for (const p of all) p.reject(err);
  }

  private call<T>(req: Extract<Request, { type: "packets" | "frame" | "follow" | "export" | "checkFilter" | "filterProgress" }> | ReportRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.calls.set(req.id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.worker.postMessage(req);
      } catch (e) {
        this.calls.delete(req.id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /**
   * packets answers a page of the rows a display filter selects, from the capture this
   * analyzer analysed last (a File). A newer call supersedes one still running (it rejects
   * with code "aborted"); a bad filter rejects with code "bad_filter", pos and len.
   * The page comes as soon as its rows are found: done is false while the pass goes on.
   */
  packets(filter: string, skip: number, limit: number): Promise<Page> {
    return this.call({ type: "packets", id: this.nextId++, filter, skip, limit });
  }

  /** frame answers frame n's layers and bytes. */
  frame(n: number): Promise<Detail> {
    return this.call({ type: "frame", id: this.nextId++, n });
  }

  /** follow answers a TCP or UDP stream's conversation (limit: bytes kept, 0 for the bridge's cap). */
  follow(kind: "tcp" | "udp", stream: number, limit = 0): Promise<Conversation> {
    return this.call({ type: "follow", id: this.nextId++, kind, stream, limit });
  }

  /** exportPackets answers the frames a filter selects as pcapng bytes. */
  exportPackets(filter: string): Promise<Uint8Array> {
    return this.call({ type: "export", id: this.nextId++, filter });
  }

  /** checkFilter compiles a display filter without reading the capture. */
  checkFilter(expr: string): Promise<FilterCheck> {
    return this.call({ type: "checkFilter", id: this.nextId++, expr });
  }

  /** filterProgress answers how far the current filter pass has gone. */
  filterProgress(): Promise<FilterProgress> {
    return this.call({ type: "filterProgress", id: this.nextId++ });
  }

  /** rows answers a page of a report list from the reports the worker keeps (see ListQuery). */
  rows<T>(query: ListQuery): Promise<ListPage<T>> {
    return this.call({ type: "rows", id: this.nextId++, query });
  }

  /** reportJSON answers the whole report as `pcaplens analyze` prints it (with the file's digests). */
  reportJSON(): Promise<Blob> {
    return this.call({ type: "reportJSON", id: this.nextId++ });
  }

  /** csv answers a report list as CSV, in the query's order (columns: header key, field path). */
  csv(query: ListQuery, columns: { key: string; path: string }[]): Promise<Blob> {
    return this.call({ type: "csv", id: this.nextId++, query, columns });
  }

  /**
   * aiReport answers the "Copy for AI" Markdown with a guide ("": the report's default) and the
   * guide used; labels name the tools as the tabs do, findings are the ones the page shows.
   */
  aiReport(name: string, guide: string, labels: Record<string, string>, findings: readonly unknown[]): Promise<{ markdown: string; guide: string }> {
    return this.call({ type: "aiReport", id: this.nextId++, name, guide, labels, findings: [...findings] });
  }

  /** listSource is what tables page a report's lists from (lists: the Result's). */
  listSource(lists: Readonly<Record<string, number>>): ListSource {
    return {
      length: (path) => lists[path],
      rows: (q) => this.rows(q),
      csv: (q, cols) => this.csv(q, cols),
    };
  }

  private request(req: Exclude<Request, { type: "init" }>, onProgress: ((p: Progress) => void) | undefined, transfer: Transferable[] = []): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject, onProgress });
      try {
        this.worker.postMessage(req, transfer);
      } catch (e) {
        this.pending.delete(req.id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** analyzeFile streams a File (or Blob) through the engine in slices. */
  analyzeFile(file: Blob, options: AnalyzeOptions = {}, onProgress?: (p: Progress) => void): Promise<Result> {
    return this.request({ type: "analyzeFile", id: this.nextId++, file, options }, onProgress);
  }

  /** analyzeBytes analyses bytes the page holds; the buffer is transferred (unusable afterwards). */
  analyzeBytes(buffer: ArrayBuffer, options: AnalyzeOptions = {}, onProgress?: (p: Progress) => void): Promise<Result> {
    return this.request({ type: "analyzeBytes", id: this.nextId++, buffer, options }, onProgress, [buffer]);
  }

  /**
   * analyzeStream streams bytes (a fetch() body) through the engine as they arrive; the
   * stream is transferred to the worker. total is the expected length (0 when unknown).
   * Browsers that cannot transfer streams get the bytes collected first.
   */
  async analyzeStream(stream: ReadableStream<Uint8Array>, total: number, options: AnalyzeOptions = {}, onProgress?: (p: Progress) => void): Promise<Result> {
    const id = this.nextId++;
    try {
      return await this.request({ type: "analyzeStream", id, stream, total, options }, onProgress, [stream as unknown as Transferable]);
    } catch (e) {
      if (!(e instanceof DOMException) || stream.locked) throw e;
      this.pending.delete(id);
      // No transferable streams (older Safari): collect the slices in a Blob, then read it in slices.
      const parts: Uint8Array[] = [];
      const reader = stream.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
      return this.analyzeFile(new Blob(parts as BlobPart[]), options, onProgress);
    }
  }

  /**
   * analyzeURL has the worker fetch url (http or https, any origin that allows
   * cross-origin reading) and stream the body through the engine. It rejects with
   * code "fetch" and a message that says what went wrong: the server refused
   * cross-origin reading (CORS), could not be reached, or answered an HTTP error.
   */
  analyzeURL(url: string, options: AnalyzeOptions = {}, onProgress?: (p: Progress) => void): Promise<Result> {
    return this.request({ type: "analyzeURL", id: this.nextId++, url, options }, onProgress);
  }

  /** cancel stops every running analysis (rejected with code "aborted") and starts a fresh worker. */
  cancel(): void {
    this.worker.terminate();
    this.failAll(new AnalysisError("aborted", "analysis cancelled"));
    this.start();
  }

  /** dispose stops the worker for good. */
  dispose(): void {
    this.worker.terminate();
    this.failAll(new AnalysisError("aborted", "analysis cancelled"));
  }
}
