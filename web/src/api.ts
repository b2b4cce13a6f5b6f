// The one module that talks to the analysis worker.
//
// An Analyzer owns dedicated Workers (one, or several that share an analysis
// of a File). Requests carry ids; a worker's answers settle the matching
// promise. If a worker fails to start or crashes, every request pending on it
// is rejected. cancel() terminates the workers (stopping the analysis at
// once) and starts fresh ones.
import type { AnalyzeOptions, Conversation, Detail, FilterCheck, FilterProgress, Page, ReportRequest, Request, Response } from "./protocol";
import type { ListPage, ListQuery, ListSource } from "./ui/table";
import { interleaveSoFar, type SoFar } from "./app/sofar";

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

/** Ready is what a worker says once its engine is loaded. */
interface Ready {
  tools: string[];
  version: string;
}

/** Part is one worker's share of an analysis: its summary, its reports' own findings when asked, its digests. */
interface Part {
  report: Report;
  lists: Record<string, number>;
  toolFindings: unknown;
  digests: Promise<Digests | null>;
}

interface Pending {
  resolve(r: Part): void;
  reject(e: Error): void;
  onProgress: ((p: Progress) => void) | undefined;
}

type Call = Extract<Request, { type: "packets" | "frame" | "follow" | "export" | "checkFilter" | "filterProgress" | "plan" | "warmupCapture" }> | ReportRequest;

/**
 * Lane is one analysis worker: the requests sent to it by id, settled by its
 * answers. If the worker fails to start or crashes, every pending request is
 * rejected.
 */
class Lane {
  readonly worker: Worker;
  readonly ready: Promise<Ready>;
  private pending = new Map<number, Pending>();
  /** calls are the packet and report calls waiting for their reply. */
  private calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** digests settle each analysis' digests, by request id. */
  private digestWaiters = new Map<number, (d: Digests | null) => void>();
  /** early holds digests that came before their result (the worker sends them as soon as they are ready). */
  private early = new Map<number, Digests | null>();

  constructor(workerURL: string, module: Promise<WebAssembly.Module | undefined> | undefined) {
    const w = new Worker(workerURL);
    this.worker = w;
    const init = (module?: WebAssembly.Module) => w.postMessage({ type: "init", module } satisfies Request);
    if (module) module.then(init, () => init());
    else init();
    let settle!: { resolve(v: Ready): void; reject(e: Error): void };
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.ready.catch(() => undefined); // observed by callers that care
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
            p.resolve({ report: sum.report, lists: sum.lists ?? {}, toolFindings: m.toolFindings, digests });
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

  failAll(err: Error): void {
    for (const w of this.digestWaiters.values()) w(null);
    this.digestWaiters.clear();
    const all = [...this.pending.values(), ...this.calls.values()];
    this.pending.clear();
    this.calls.clear();
    for (const p of all) p.reject(err);
  }

  /** stop terminates the worker; its pending requests reject with err. */
  stop(err: Error): void {
    this.worker.terminate();
    this.failAll(err);
  }

  call<T>(req: Call): Promise<T> {
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

  analyze(req: Extract<Request, { type: `analyze${string}` }>, onProgress: ((p: Progress) => void) | undefined, transfer: Transferable[] = []): Promise<Part> {
    return new Promise<Part>((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject, onProgress });
      try {
        this.worker.postMessage(req, transfer);
      } catch (e) {
        this.pending.delete(req.id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** forget drops an analysis' pending entry without settling it (a request the worker never took). */
  forget(id: number): void {
    this.pending.delete(id);
  }
}

/** Member is one report of a worker as a member of the CLI's JSON document ("name":value). */
interface Member {
  name: string;
  member: Blob;
}

/**
 * MAX_WORKERS bounds the workers of one analysis: each holds a WebAssembly
 * instance and its share of the reports, and the engine has only so many
 * analyzers to share out.
 */
export const MAX_WORKERS = 8;

/**
 * defaultWorkers is how many analysis workers an analysis of a File may use:
 * one per core the browser reports but one, which the digest worker takes
 * while it hashes the file (in JavaScript, it costs a third to a half of one
 * worker's whole analysis: docs/benchmarks.md), and at least one.
 */
export function defaultWorkers(): number {
  const n = typeof navigator === "undefined" ? 1 : navigator.hardwareConcurrency;
  return Number.isInteger(n) && n > 1 ? Math.min(n - 1, MAX_WORKERS) : 1;
}

/**
 * Analyzer runs analyses in dedicated workers. An analysis of a File (or of
 * bytes) may be split among several workers over the same File: the bridge
 * plans the groups of tools (pcaplens.plan, by the analyzers' measured
 * costs), each worker reads the whole File and runs its group, and the
 * Analyzer puts the answer together as one worker's: the summaries side by
 * side, the findings ranked by the first worker's engine over every
 * report's (mergeFindings), progress as far as the slowest worker, a list's
 * rows and CSV from the worker that holds its report, the JSON document from
 * every worker's members. The first worker also answers the packet calls.
 * A URL or a stream is read by the first worker alone.
 */
export class Analyzer {
  private lanes: Lane[] = [];
  /** owner is the worker holding each tool's report, for the last analysis. */
  private owner = new Map<string, Lane>();
  /** active are the workers of the last analysis (the first one leads). */
  private active: Lane[] = [];
  private nextId = 1;
  /** workers is how many workers an analysis of a File may use at most. */
  private readonly workers: number;

  /**
   * module, when given, is the compiled engine shared by every worker of the page:
   * each worker instantiates it instead of compiling its own copy, and code the
   * browser has optimised while one file was analysed serves the next.
   * workers is how many workers an analysis of a File may use at most (up to MAX_WORKERS).
   */
  constructor(
    private readonly workerURL = "worker.js",
    private readonly module?: Promise<WebAssembly.Module | undefined>,
    workers = 1,
  ) {
    this.workers = Number.isInteger(workers) ? Math.min(Math.max(workers, 1), MAX_WORKERS) : 1;
    this.start();
  }

  /** ready resolves when the engine is loaded (with its tool names), or rejects if it failed to load. */
  get ready(): Promise<{ tools: string[]; version: string }> {
    return this.lanes[0]!.ready;
  }

  /** start starts the workers: all of them at once, so that each has loaded its engine when the analysis starts. */
  private start(): void {
    this.lanes = [];
    for (let i = 0; i < this.workers; i++) this.lanes.push(new Lane(this.workerURL, this.module));
    this.active = [this.lanes[0]!];
    this.owner.clear();
  }

  /** lead is the first worker: it answers the packet calls and ranks the findings. */
  private get lead(): Lane {
    return this.lanes[0]!;
  }

  /** trim stops the workers past the first n (an analysis that needs fewer). */
  private trim(n: number): void {
    for (const l of this.lanes.splice(Math.max(1, n))) l.stop(new AnalysisError("aborted", "analysis cancelled"));
  }

  private call<T>(req: Call, lane = this.lead): Promise<T> {
    return lane.call<T>(req);
  }

  /** laneOf is the worker holding the report of a list's path ("dns.transactions"). */
  private laneOf(path: string): Lane {
    return this.owner.get(path.split(".")[0] ?? "") ?? this.lead;
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

  /** rows answers a page of a report list from the reports the workers keep (see ListQuery). */
  rows<T>(query: ListQuery): Promise<ListPage<T>> {
    return this.call({ type: "rows", id: this.nextId++, query }, this.laneOf(query.path));
  }

  /**
   * reportJSON answers the whole report as `pcaplens analyze` prints it (with the file's
   * digests): "{", every worker's members ("name":value, as the engine encodes them) in
   * name order joined by ",", then "}\n"; the findings are the first worker's (ranked over all).
   */
  async reportJSON(): Promise<Blob> {
    const lanes = this.active;
    const parts = await Promise.all(lanes.map((l) => this.call<Member[]>({ type: "reportMembers", id: this.nextId++ }, l)));
    const members = parts.flatMap((ms, i) => (i === 0 ? ms : ms.filter((m) => m.name !== "findings")));
    members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const doc: BlobPart[] = ["{"];
    members.forEach((m, i) => doc.push(...(i > 0 ? [","] : []), m.member));
    doc.push("}\n");
    return new Blob(doc, { type: "application/json" });
  }

  /** csv answers a report list as CSV, in the query's order (columns: header key, field path). */
  csv(query: ListQuery, columns: { key: string; path: string }[]): Promise<Blob> {
    return this.call({ type: "csv", id: this.nextId++, query, columns }, this.laneOf(query.path));
  }

  /**
   * aiReport answers the "Copy for AI" Markdown with a guide ("": the report's default) and the
   * guide used; labels name the tools as the tabs do, findings are the ones the page shows.
   * The first worker writes it from the whole report (reportJSON).
   */
  async aiReport(name: string, guide: string, labels: Record<string, string>, findings: readonly unknown[]): Promise<{ markdown: string; guide: string }> {
    const report = await this.reportJSON();
    return this.call({ type: "aiReport", id: this.nextId++, name, guide, labels, findings: [...findings], report });
  }

  /** listSource is what tables page a report's lists from (lists: the Result's). */
  listSource(lists: Readonly<Record<string, number>>): ListSource {
    return {
      length: (path) => lists[path],
      rows: (q) => this.rows(q),
      csv: (q, cols) => this.csv(q, cols),
    };
  }

  /**
   * split runs one analysis of a Blob in as many workers as the plan asks
   * (at most this.workers) and puts their parts together.
   */
  private async split(file: Blob, options: AnalyzeOptions, onProgress: ((p: Progress) => void) | undefined): Promise<Result> {
    const id = this.nextId++;
    let groups: string[][] = [];
    if (this.workers > 1) {
      await this.lead.ready;
      groups = await this.call<string[][]>({ type: "plan", id: this.nextId++, options, workers: this.workers });
    }
    if (groups.length <= 1) {
      this.trim(1);
      return this.gather([this.lead], [this.lead.analyze({ type: "analyzeFile", id, file, options }, onProgress)]);
    }
    this.trim(groups.length);
    while (this.lanes.length < groups.length) this.lanes.push(new Lane(this.workerURL, this.module));
    const lanes = this.lanes.slice(0, groups.length);
    // Progress is as far as the slowest worker has gone.
    const seen: (Progress | null)[] = lanes.map(() => null);
    let shownKey = "";
    const progress = (i: number) => (p: Progress) => {
      seen[i] = p;
      if (!onProgress || seen.some((q) => q === null)) return;
      const all = seen as Progress[];
      const least = (k: "bytes" | "packets" | "tcpStreams" | "udpStreams") => Math.min(...all.map((q) => q[k] ?? 0));
      const next: Progress = {
        bytes: least("bytes"),
        total: p.total,
        packets: least("packets"),
        tcpStreams: least("tcpStreams"),
        udpStreams: least("udpStreams"),
        phase: all.every((q) => q.phase === "building") ? "building" : "reading",
        findings: interleaveSoFar(all.map((q) => q.findings)),
      };
      // A worker ahead of the slowest changes nothing the page shows.
      const key = JSON.stringify(next);
      if (key === shownKey) return;
      shownKey = key;
      onProgress(next);
    };
    const parts = lanes.map((l, i) => l.analyze({ type: "analyzeFile", id, file, options: { ...options, tools: groups[i] }, helper: i > 0 }, progress(i)));
    return this.gather(lanes, parts);
  }

  /**
   * gather waits for every worker's part (the first failure fails the analysis
   * and stops the other workers) and puts them together as one worker's result.
   */
  private async gather(lanes: Lane[], running: Promise<Part>[]): Promise<Result> {
    this.active = lanes;
    this.owner.clear();
    let parts: Part[];
    try {
      parts = await new Promise<Part[]>((resolve, reject) => {
        const got: Part[] = [];
        let left = running.length;
        running.forEach((p, i) =>
          p.then((part) => {
            got[i] = part;
            if (--left === 0) resolve(got);
          }, reject),
        );
      });
    } catch (e) {
      if (lanes.length > 1) this.restart();
      throw e;
    }
    if (parts.length === 1) {
      const p = parts[0]!;
      return { report: p.report, lists: p.lists, digests: p.digests };
    }
    const findings = await this.call<unknown[]>({ type: "mergeFindings", id: this.nextId++, others: parts.slice(1).map((p) => p.toolFindings) });
    const entries: [string, unknown][] = [];
    const lists: Record<string, number> = {};
    parts.forEach((p, i) => {
      for (const [k, v] of Object.entries(p.report)) {
        if (k === "findings") continue;
        entries.push([k, v]);
        this.owner.set(k, lanes[i]!);
      }
      Object.assign(lists, p.lists);
    });
    entries.push(["findings", findings]);
    // Keys in name order, as one worker's summary has them.
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const report = Object.fromEntries(entries) as unknown as Report;
    // The digests are the capinfos worker's (the others have none to wait for).
    const holder = parts.find((p) => "capinfos" in p.report) ?? parts[0]!;
    return { report, lists, digests: holder.digests };
  }

  /** analyzeFile streams a File (or Blob) through the engine in slices, in several workers when it may. */
  analyzeFile(file: Blob, options: AnalyzeOptions = {}, onProgress?: (p: Progress) => void): Promise<Result> {
    return this.split(file, options, onProgress);
  }

  /**
   * warmUp analyses the engine's synthetic capture (pcaplens.warmupCapture, about
   * 5,000 frames of every analyzer's protocols) as a file would be, with the page's
   * options: the browser optimises the engine's code as it runs, and that code is the
   * shared module's, so every later analysis in any worker of the page runs it from
   * its first packet (a fresh engine's first pass is about twice as slow:
   * docs/benchmarks.md). It resolves when done; the workers are then ready and keep
   * that analysis until the next.
   */
  async warmUp(options: AnalyzeOptions): Promise<void> {
    await this.lead.ready;
    const bytes = await this.call<Uint8Array>({ type: "warmupCapture", id: this.nextId++ });
    await this.split(new Blob([bytes as BlobPart]), options, undefined);
  }

  /** analyzeBytes analyses bytes the page holds (read as a Blob, in several workers when it may). */
  analyzeBytes(buffer: ArrayBuffer, options: AnalyzeOptions = {}, onProgress?: (p: Progress) => void): Promise<Result> {
    return this.split(new Blob([buffer]), options, onProgress);
  }

  /** one runs an analysis of input only the first worker can read (a stream, a URL). */
  private one(req: Extract<Request, { type: "analyzeStream" | "analyzeURL" }>, onProgress: ((p: Progress) => void) | undefined, transfer: Transferable[] = []): Promise<Result> {
    this.trim(1);
    return this.gather([this.lead], [this.lead.analyze(req, onProgress, transfer)]);
  }

  /**
   * analyzeStream streams bytes (a fetch() body) through the engine as they arrive; the
   * stream is transferred to the worker. total is the expected length (0 when unknown).
   * Browsers that cannot transfer streams get the bytes collected first.
   */
  async analyzeStream(stream: ReadableStream<Uint8Array>, total: number, options: AnalyzeOptions = {}, onProgress?: (p: Progress) => void): Promise<Result> {
    const id = this.nextId++;
    try {
      return await this.one({ type: "analyzeStream", id, stream, total, options }, onProgress, [stream as unknown as Transferable]);
    } catch (e) {
      if (!(e instanceof DOMException) || stream.locked) throw e;
      this.lead.forget(id);
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
    return this.one({ type: "analyzeURL", id: this.nextId++, url, options }, onProgress);
  }

  /** restart stops every worker (their requests reject with code "aborted") and starts fresh ones. */
  private restart(): void {
    for (const l of this.lanes) l.stop(new AnalysisError("aborted", "analysis cancelled"));
    this.start();
  }

  /** cancel stops every running analysis (rejected with code "aborted") and starts fresh workers. */
  cancel(): void {
    this.restart();
  }

  /** dispose stops the workers for good. */
  dispose(): void {
    for (const l of this.lanes) l.stop(new AnalysisError("aborted", "analysis cancelled"));
  }
}
