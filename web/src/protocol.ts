// Messages between the page (api.ts) and the analysis worker (worker.ts):
// typed unions keyed by `type`, each request with an id.

import type { AnalyzeOptions } from "./gen/reports";
import type { ListQuery } from "./ui/table";
import type { SoFar } from "./app/sofar";

/** AnalyzeOptions are engine.Options under the names the bridge reads (generated from Go). */
export type { AnalyzeOptions } from "./gen/reports";

/** Request is a message to the worker. */
export type Request =
  /**
   * The first message to every analysis worker: the WebAssembly module the page compiled
   * once for all its workers, or none (the worker then compiles it itself).
   */
  | { type: "init"; module?: WebAssembly.Module }
  /**
   * Analyze a File or Blob, read in slices of chunkSize bytes (the first at most 256 KiB). helper: this worker runs one
   * group of the tools for another worker that leads the analysis (api.ts Analyzer): it
   * answers no packet calls, and its result carries its reports' findings by tool.
   */
  | { type: "analyzeFile"; id: number; file: Blob; options: AnalyzeOptions; chunkSize?: number; helper?: boolean }
  /** Analyze a byte stream (transferred), e.g. a fetch() body; total is its length when known (else 0). */
  | { type: "analyzeStream"; id: number; stream: ReadableStream<Uint8Array>; total: number; options: AnalyzeOptions }
  /**
   * Fetch a URL in the worker and stream its body through the engine. The worker, not the
   * page, reads other origins: the page's own policy stays connect-src 'self'.
   */
  | { type: "analyzeURL"; id: number; url: string; options: AnalyzeOptions }
  /**
   * The packet calls, answered by the session of the last analysed File (it stays open):
   * a page of the rows a display filter selects (a newer call supersedes a running one).
   */
  | { type: "packets"; id: number; filter: string; skip: number; limit: number }
  /** Frame n's layers, fields and bytes. */
  | { type: "frame"; id: number; n: number }
  /** A TCP or UDP stream's conversation. */
  | { type: "follow"; id: number; kind: "tcp" | "udp"; stream: number; limit?: number }
  /** The frames a filter selects, as pcapng bytes. */
  | { type: "export"; id: number; filter: string }
  /** Compile a display filter, without reading the capture. */
  | { type: "checkFilter"; id: number; expr: string }
  /** How far the current filter pass has gone. */
  | { type: "filterProgress"; id: number }
  /** The groups of tools for at most that many workers (pcaplens.plan): string[][]. */
  | { type: "plan"; id: number; options: AnalyzeOptions; workers: number }
  /** The engine's synthetic warm-up capture (pcaplens.warmupCapture): a Uint8Array of pcap bytes. */
  | { type: "warmupCapture"; id: number }
  /**
   * The report calls, answered from the reports the worker keeps after an analysis
   * (the page holds only their summary): a page of a report list, sorted and filtered.
   */
  | { type: "rows"; id: number; query: ListQuery }
  /**
   * The kept reports as members of the JSON document `pcaplens analyze` prints, in name order:
   * {name, member} with member a Blob of `"name":value` (api.ts joins every worker's).
   */
  | { type: "reportMembers"; id: number }
  /**
   * Rank the kept reports' findings with the other workers' (their results' toolFindings), as
   * one run ranks them: answers the findings, which are the kept report's from now on.
   */
  | { type: "mergeFindings"; id: number; others: unknown[] }
  /** A report list as CSV (columns: header key, field path): a Blob of text/csv. */
  | { type: "csv"; id: number; query: ListQuery; columns: { key: string; path: string }[] }
  /**
   * The "Copy for AI" Markdown with a guide ("" for the report's default guide); labels name the
   * tools as the tabs do; findings are the ones the page shows (the summary holds them whole);
   * report is the whole report (the JSON document), written from every worker's members.
   */
  | { type: "aiReport"; id: number; name: string; guide: string; labels: Record<string, string>; findings: unknown[]; report: Blob };

/** ReportRequest is a report call. */
export type ReportRequest = Extract<Request, { type: "rows" | "reportMembers" | "mergeFindings" | "csv" | "aiReport" }>;

/** Response is a message from the worker. */
export type Response =
  /** The WASM module is loaded; tools are the report keys it can produce. */
  | { type: "ready"; tools: string[]; version: string }
  /** The WASM module could not be loaded: the worker is useless. */
  | { type: "failed"; message: string }
  /**
   * Progress of a request; phase "building" once the last byte is read and the engine is
   * building the report (sent as soon as the input ends, before the report is ready).
   */
  | { type: "progress"; id: number; bytes: number; total: number; packets: number; tcpStreams?: number; udpStreams?: number; phase?: "reading" | "building"; findings?: SoFar[] }
  /**
   * summary is the report's summary as JSON text, {report, lists}: every report with each list
   * longer than the worker's cut (100 rows) cut to its first rows, and lists the whole lengths
   * of the lists cut, by path ("tcp_connections.connections"). The rest stays in the worker.
   * toolFindings (a helper's result) are its reports' own findings by tool, for mergeFindings.
   */
  | { type: "result"; id: number; summary: string; toolFindings?: unknown }
  /**
   * The file's SHA-256 and SHA-1 for the analysis id, sent after its result when they were not
   * ready before (absent when they could not be computed); the worker's report has them from now.
   */
  | { type: "digests"; id: number; sha256?: string; sha1?: string }
  /** Findings known while the pass goes on (the engine's findings so far), for an analysis id. */
  | { type: "findings"; id: number; findings: unknown[] }
  /** The answer to a packet call (its ArrayBuffers transferred). */
  | { type: "reply"; id: number; value: unknown }
  /** pos and len locate a bad display filter's error (code "bad_filter"; pos -1 when unknown). */
  | { type: "error"; id: number; code: string; message: string; pos?: number; len?: number };

// The packet calls' answers (the bridge's shapes: analysis/packets Row, Detail, Conversation).

/** Row is one line of the packet list, as `pcaplens packets --json` prints it. */
export interface Row {
  no: number;
  /** time is seconds since the first frame, as tshark prints it. */
  time: string;
  /** time_ns is the absolute time, nanoseconds since the epoch (0 when unknown). */
  time_ns: number;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
}

/** Page is a page of the rows a filter selects. */
export interface Page {
  rows: Row[];
  /** matched counts the matches found so far (all of them when done). */
  matched: number;
  /** scanned counts the frames the filter pass has read. */
  scanned: number;
  done: boolean;
}

/** FilterProgress is the state of the current filter pass. */
export interface FilterProgress {
  filter: string | null;
  matched: number;
  scanned: number;
  done: boolean;
}

/** Field is one field of a layer: Wireshark name, value, byte range (len 0: computed). */
export interface Field {
  name: string;
  value: string;
  off: number;
  len: number;
}

/** Layer is one header of the packet detail; in_datagram: its offsets are in the reassembled datagram. */
export interface Layer {
  name: string;
  off: number;
  len: number;
  in_datagram?: boolean;
  fields: Field[];
}

/** Detail is one frame's row, layer tree and bytes. */
export interface Detail {
  row: Row;
  layers: Layer[];
  bytes: Uint8Array;
  datagram?: Uint8Array;
}

/** Conversation is a followed stream; node 0 sent its first packet. */
export interface Conversation {
  kind: "tcp" | "udp";
  stream: number;
  nodes: [string, string];
  chunks: { frame: number; node: 0 | 1; data: Uint8Array }[];
  bytes: [number, number];
  capped?: boolean;
}

/** FilterCheck is pcaplens.checkFilter's answer. */
export type FilterCheck = { ok: true } | { ok: false; message: string; pos: number; len: number };
