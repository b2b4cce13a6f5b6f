// The View contract shared by the registry and every view.

/** Report is the whole report of one capture: one key per tool, as the CLI prints it. */
export type Report = Record<string, unknown>;

/** View is one tab of the page. */
export interface View {
  /** id is stable and used in the tab's element ids (letters, digits, dashes). */
  id: string;
  /** title is the tab's label. */
  title: string;
  /** tools are the report keys the view needs; the tab shows only when all are in the report. */
  tools: readonly string[];
  /**
   * render draws the view into root (an empty element). It reads report[tool] for its
   * tools and must render defensively: a key may be missing or be an error report
   * ({error, file}); show that as a message, never throw.
   */
  render(root: HTMLElement, report: Report): void;
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

/** obj reads v as a plain object ({} otherwise): for defensive reading of reports. */
export function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** arr reads v as an array ([] otherwise). */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
