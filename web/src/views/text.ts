// Wording helpers of the views (beside ../ui/format, which formats figures).
import * as fmt from "../ui/format";
import type { Finding } from "./types";

/**
 * id shows a number that names something rather than counts it (a port, a
 * frame, a stream, an ID, a sequence number): digits only, no thousands separators.
 */
export function id(v: unknown): string {
  return fmt.isNum(v) ? String(v) : "—";
}

/** plural says "1 packet", "2 packets", "1,234 packets" (counts with separators). */
export function plural(n: unknown, one: string, many = one + "s"): string {
  return `${fmt.count(n)} ${n === 1 ? one : many}`;
}

/** words turns an internal name into words: "server_heavy" → "server heavy". */
export function words(name: unknown): string {
  return typeof name === "string" && name !== "" ? name.replace(/_/g, " ") : "—";
}

/** byCode orders [code, count] entries by code (numerically), not by count. */
export function byCode(entries: [string, number][]): [string, number][] {
  return [...entries].sort((a, b) => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0]));
}

/** framesText names a finding's first frames: "frame 12", "frames 3, 9, 40" and "(first 10)" when there are more. */
export function framesText(f: Finding): string {
  const list = f.frames.map(fmt.id).join(", ");
  const first = f.count > f.frames.length && f.frames.length > 1 ? ` (first ${f.frames.length})` : "";
  return (f.frames.length === 1 ? `frame ${list}` : `frames ${list}`) + first;
}
