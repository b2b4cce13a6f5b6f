// The View contract shared by the registry and every view, and the report
// types the views read (generated from the Go report types: web/src/gen/reports.ts).
import type { Column } from "../ui/table";
import type { Analyzer } from "../api";
import type * as gen from "../gen/reports";

export type * from "../gen/reports";

/**
 * Report is the whole report of one capture, as the CLI prints it: the generated
 * type, which views read by its typed fields (report.dns.statistics.queries).
 */
export type Report = gen.Report;

/** View is one tab of the page. */
export interface View {
  /** id is stable and used in the tab's element ids (letters, digits, dashes). */
  id: string;
  /** title is the tab's label. */
  title: string;
  /** tools are the report keys the view needs; the tab shows only when all are in the report. */
  tools: readonly gen.ToolName[];
  /**
   * render draws the view into root (an empty element). It reads report[tool] for its
   * tools and must render defensively: a key may be missing or be an error report
   * ({error, file}); show that as a message, never throw.
   */
  render(root: HTMLElement, report: Report, ctx?: ViewContext): void;
}

/**
 * ViewContext is what a view may need beside the report.
 *
 * The report a view gets is the summary the worker sent (api.ts Result): every
 * figure, chart series and map whole, but each list of rows longer than the
 * worker's cut (100 rows) holding only its first rows; the worker keeps the
 * rest. So a view that shows a list:
 *   - passes the list's path to its table (`list: "dns.transactions"`): the
 *     table then pages, sorts, filters and exports the whole list through the
 *     worker, and columns computed from other fields say which field to sort
 *     by (`path: "a.b"`, or "a+b" for a sum);
 *   - counts the list with `listLength(ctx, path, rows)`, never `rows.length`;
 *   - computes nothing over the whole list (the first rows are all it has).
 */
export interface ViewContext {
  /** packets answers the packet calls for this capture (the analyzer that read it), or null. */
  packets: Analyzer | null;
  /** fileName is the capture's name (for downloads). */
  fileName: string;
  /** lists are the whole lengths of the lists the summary holds in part, by path ("tcp_connections.connections"). */
  lists?: Readonly<Record<string, number>>;
  /** digestsPending is true while the file's digests are being computed (the view is drawn again when they come). */
  digestsPending?: boolean;
}

/** listLength is a report list's whole length: the worker's count when the summary holds it in part. */
export function listLength(ctx: ViewContext | undefined, path: string, rows: readonly unknown[] | undefined): number {
  return ctx?.lists?.[path] ?? rows?.length ?? 0;
}

/** ToolError is what a tool reports when it could not run. */
export interface ToolError {
  error: string;
  file?: string;
}

/** isToolError tells whether a tool's report is an error report. */
export function isToolError(v: unknown): v is ToolError {
  return typeof v === "object" && v !== null && typeof (v as { error?: unknown }).error === "string";
}

/**
 * ok is a tool's report (report.dns, report.sip, …) when the tool ran, or null
 * when it did not run or reported an error.
 */
export function ok<T extends object>(v: T | gen.ErrorReport | undefined): T | null {
  return v === undefined || isToolError(v) ? null : v;
}

/** toolNames lists every tool (the report's keys beside findings), sorted, as the Go registry has them. */
export { toolNames } from "../gen/reports";

/**
 * TypedColumn is a table column over rows of a report type: its key is a field of
 * the row, so a renamed field fails the type check, unless the column reads its
 * value itself.
 */
export type TypedColumn<T> = Column<T> & ({ key: keyof T & string } | { value: (row: T) => unknown });

/** columns checks a table's columns against the row type T. */
export function columns<T>(list: TypedColumn<T>[]): Column<T>[] {
  return list;
}
