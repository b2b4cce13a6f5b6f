// Formatting of figures for display. Views format; they never compute figures.
//
// Units follow Wireshark's capinfos: SI prefixes (1 kB = 1000 bytes), bits as
// "kbps"-style rates spelled "kbit/s".

const grouping = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** isNum is true for finite numbers. */
export function isNum(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** count formats an integer with thousands separators: 1,234,567. */
export function count(v: unknown): string {
  if (!isNum(v)) return "—";
  return grouping.format(v);
}

/**
 * id formats an identifier (port, frame number, stream, transaction ID, sequence
 * number) as plain digits: never thousands separators, as Wireshark shows them.
 */
export function id(v: unknown): string {
  if (!isNum(v)) return v === null || v === undefined || v === "" ? "—" : String(v);
  return String(v);
}

/** plural gives "1 packet", "2 packets", "1,234 packets" (count with the right noun form). */
export function plural(n: number, one: string, many = one + "s"): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** num formats a number with at most `digits` fraction digits. */
export function num(v: unknown, digits = 2): string {
  if (!isNum(v)) return "—";
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: digits }).format(v);
}

/** percent formats a ratio (0.25) as "25%"; with fromPercent, v is already a percentage. */
export function percent(v: unknown, digits = 1, fromPercent = false): string {
  if (!isNum(v)) return "—";
  return num(fromPercent ? v : v * 100, digits) + "%";
}

function si(v: number, unit: string, base: number, digits: number): string {
  const prefixes = ["", "k", "M", "G", "T", "P"];
  let i = 0;
  let x = Math.abs(v);
  while (x >= base && i < prefixes.length - 1) {
    x /= base;
    i++;
  }
  const s = i === 0 ? num(x, digits) : x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0);
  return (v < 0 ? "-" : "") + s + " " + prefixes[i] + unit;
}

/** bytes formats a byte count in SI units: "1.23 MB" (exact under 1 kB: "512 bytes"). */
export function bytes(v: unknown): string {
  if (!isNum(v)) return "—";
  if (Math.abs(v) < 1000) return count(v) + (v === 1 ? " byte" : " bytes");
  return si(v, "B", 1000, 2);
}

/** bytesExact formats "1.23 MB (1,234,567 bytes)". */
export function bytesExact(v: unknown): string {
  if (!isNum(v)) return "—";
  if (Math.abs(v) < 1000) return bytes(v);
  return `${bytes(v)} (${count(v)} bytes)`;
}

/** byteRate formats bytes per second: "1.2 MB/s". */
export function byteRate(v: unknown): string {
  if (!isNum(v)) return "—";
  return si(v, "B/s", 1000, 2);
}

/** bitRate formats bits per second: "9.6 Mbit/s". */
export function bitRate(v: unknown): string {
  if (!isNum(v)) return "—";
  return si(v, "bit/s", 1000, 2);
}

/** rate formats a per-second rate of things: "1,234.5 packets/s". */
export function rate(v: unknown, what = "packets"): string {
  if (!isNum(v)) return "—";
  return `${num(v, v < 10 ? 3 : 1)} ${what}/s`;
}

/** duration formats seconds: "350 µs", "12.5 ms", "3.200 s", "2 min 3.4 s", "1 h 02 min 03 s", "2 d 03 h". */
export function duration(v: unknown): string {
  if (!isNum(v)) return "—";
  const s = Math.abs(v);
  const sign = v < 0 ? "-" : "";
  if (s === 0) return "0 s";
  if (s < 1e-3) return sign + num(s * 1e6, 1) + " µs";
  if (s < 1) return sign + num(s * 1e3, 3) + " ms";
  if (s < 60) return sign + s.toFixed(3) + " s";
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${(s % 60).toFixed(1)} s`;
  if (s < 86400) {
    const hh = Math.floor(s / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = Math.floor(s % 60);
    return `${sign}${hh} h ${String(mm).padStart(2, "0")} min ${String(ss).padStart(2, "0")} s`;
  }
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  return `${sign}${d} d ${String(hh).padStart(2, "0")} h`;
}

/** seconds formats seconds with fixed precision, as capinfos does: "12.345678 seconds". */
export function seconds(v: unknown, digits = 6): string {
  if (!isNum(v)) return "—";
  return `${v.toFixed(digits)} seconds`;
}

/** A parsed instant: milliseconds for Date, plus the exact fraction of a second as text. */
interface Instant {
  ms: number;
  fraction: string; // digits after the decimal point, up to 9
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/** parseTime accepts epoch seconds (number) or RFC 3339 text (nanoseconds kept). */
function parseTime(v: unknown): Instant | null {
  if (isNum(v)) {
    const whole = Math.floor(v);
    let frac = Math.round((v - whole) * 1e6); // doubles keep microseconds for current epochs
    let w = whole;
    if (frac >= 1e6) {
      w++;
      frac -= 1e6;
    }
    return { ms: w * 1000, fraction: String(frac).padStart(6, "0") };
  }
  if (typeof v === "string") {
    const m = rfc3339.exec(v.trim());
    if (!m) return null;
    const [, y, mo, d, hh, mi, ss, frac = "", tz = "Z"] = m;
    const base = Date.parse(`${y}-${mo}-${d}T${hh}:${mi}:${ss}${tz === "Z" ? "Z" : tz}`);
    if (Number.isNaN(base)) return null;
    return { ms: base, fraction: frac };
  }
  return null;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/**
 * fraction pads the fraction of a second to `digits` (the capture's time precision, as
 * capinfos prints it) or, by default, to a multiple of 3 digits and at least 6.
 */
function fraction(f: string, digits?: number): string {
  const n = digits ?? Math.max(6, Math.ceil(f.length / 3) * 3);
  if (n <= 0) return "";
  return "." + (f.length >= n ? f.slice(0, Math.max(n, f.replace(/0+$/, "").length)) : f.padEnd(n, "0"));
}

/** utc formats an instant as "2024-05-01 12:34:56.123456 UTC" (digits: see fraction). */
export function utc(v: unknown, digits?: number): string {
  const t = parseTime(v);
  if (!t) return "—";
  const d = new Date(t.ms);
  const frac = fraction(t.fraction, digits);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} UTC`;
}

/** local formats an instant in the browser's time zone with its offset: "2024-05-01 14:34:56.123456 (UTC+02:00)". */
export function local(v: unknown, digits?: number): string {
  const t = parseTime(v);
  if (!t) return "—";
  const d = new Date(t.ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const frac = fraction(t.fraction, digits);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${frac} (UTC${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)})`;
}

/** timeShort formats epoch seconds or RFC 3339 as UTC "12:34:56.123" (for table cells). */
export function timeShort(v: unknown): string {
  const t = parseTime(v);
  if (!t) return "—";
  const d = new Date(t.ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${(t.fraction + "000").slice(0, 3)}`;
}

/** TimeMode is how table time columns read, as Wireshark's View ▸ Time Display Format. */
export type TimeMode = "relative" | "absolute" | "delta";

/** timeModes lists the modes with their labels, in menu order. */
export const timeModes: readonly { mode: TimeMode; label: string; header: string }[] = [
  { mode: "relative", label: "Seconds since the first packet", header: "s" },
  { mode: "delta", label: "Seconds since the previous row", header: "Δ s" },
  { mode: "absolute", label: "UTC date and time", header: "UTC" },
];

/** instantSeconds reads an instant as whole seconds and nanoseconds (exact for RFC 3339 text). */
function instantSeconds(v: unknown): [number, number] | null {
  const t = parseTime(v);
  if (!t) return null;
  const whole = Math.floor(t.ms / 1000);
  return [whole, Number((t.fraction + "000000000").slice(0, 9))];
}

/** isInstant tells whether v reads as an instant (epoch seconds after 1973, or RFC 3339 text). */
export function isInstant(v: unknown): boolean {
  return (isNum(v) && v > 1e8) || (typeof v === "string" && rfc3339.test(v.trim()));
}

/** since gives b − a in seconds (instants as epoch seconds or RFC 3339), or null. */
export function since(a: unknown, b: unknown): number | null {
  const x = instantSeconds(a);
  const y = instantSeconds(b);
  if (!x || !y) return null;
  return y[0] - x[0] + (y[1] - x[1]) / 1e9;
}

/** offset formats seconds relative to another instant as Wireshark's time column: "12.345678". */
export function offset(s: number | null, digits = 6): string {
  if (s === null || !Number.isFinite(s)) return "—";
  return s.toFixed(digits);
}

/**
 * timeAs formats an instant in a table's time mode: relative to origin
 * (the capture's first packet), absolute UTC, or delta from prev (the row
 * above; the first row's delta is 0). The one place tables format time.
 */
export function timeAs(mode: TimeMode, v: unknown, origin: unknown, prev?: unknown): string {
  if (!isInstant(v)) return text(v);
  switch (mode) {
    case "absolute":
      return utc(v).replace(/ UTC$/, "");
    case "delta":
      return offset(prev === undefined || prev === null ? 0 : since(prev, v));
    case "relative":
      return origin === undefined || origin === null ? utc(v).replace(/ UTC$/, "") : offset(since(origin, v));
  }
}

/** text renders any value as display text ("—" for missing, lists joined). */
export function text(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "number") return Number.isInteger(v) ? count(v) : num(v, 6);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.map(text).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
