// Messages between the page (api.ts) and the analysis worker (worker.ts):
// typed unions keyed by `type`, each request with an id.

import type { AnalyzeOptions } from "./gen/reports";

/** AnalyzeOptions are engine.Options under the names the bridge reads (generated from Go). */
export type { AnalyzeOptions } from "./gen/reports";

/** Request is a message to the worker. */
export type Request =
  /**
   * The first message to every analysis worker: the WebAssembly module the page compiled
   * once for all its workers, or none (the worker then compiles it itself).
   */
  | { type: "init"; module?: WebAssembly.Module }
  /** Analyze a File or Blob, read in slices of chunkSize bytes. */
  | { type: "analyzeFile"; id: number; file: Blob; options: AnalyzeOptions; chunkSize?: number }
  /** Analyze bytes the page already has (the buffer is transferred). */
  | { type: "analyzeBytes"; id: number; buffer: ArrayBuffer; options: AnalyzeOptions }
  /** Analyze a byte stream (transferred), e.g. a fetch() body; total is its length when known (else 0). */
  | { type: "analyzeStream"; id: number; stream: ReadableStream<Uint8Array>; total: number; options: AnalyzeOptions }
  /**
   * Fetch a URL in the worker and stream its body through the engine. The worker, not the
   * page, reads other origins: the page's own policy stays connect-src 'self'.
   */
  | { type: "analyzeURL"; id: number; url: string; options: AnalyzeOptions };

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
  | { type: "progress"; id: number; bytes: number; total: number; packets: number; phase?: "reading" | "building" }
  /** json is the report as JSON text, exactly the CLI's document. */
  | { type: "result"; id: number; json: string }
  | { type: "error"; id: number; code: string; message: string };
