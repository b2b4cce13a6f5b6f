// One way to read a File in chunks, for the analysis worker and the digest worker.

/**
 * STALL_MS is how long readBlob waits for one read of a Blob's byte stream
 * before it reads the rest in slices. A 4 MiB read of a local file takes
 * milliseconds; the slices give the same bytes, only slower.
 */
export const STALL_MS = 15_000;

/**
 * readBlob reads a Blob from its start in chunks, the first at most `first`
 * bytes and the others `size` (the last shorter), handing each to use with
 * the offset it ends at. use is called again only once the promise it
 * returns has settled, and a chunk is valid only while use's synchronous
 * part runs: the next chunk is read into the same bytes meanwhile.
 *
 * The Blob's byte stream is read into one buffer. Slices read afresh each
 * (Blob.slice().arrayBuffer()) leave their arrays to the collector, and the
 * collector lets them pile up: reading a 1 GB file, 35–60 of the 4 MiB
 * arrays (140–210 MB) were waiting at the page's peak (docs/benchmarks.md,
 * ninth session). Where the stream cannot be read into a buffer, or a read
 * of it has not settled after `stall` ms, the rest is read in slices, the
 * next one read while use's promise is pending. (The stream was taken back
 * once for analyses that hung now and then; they were not seen again in
 * 132 runs, and a stalled read now falls back to slices.)
 */
export async function readBlob(blob: Blob, first: number, size: number, use: Use, stall = STALL_MS): Promise<void> {
  let offset = 0;
  let reader: ReadableStreamBYOBReader | null = null;
  try {
    reader = blob.stream().getReader({ mode: "byob" });
  } catch {
    reader = null;
  }
  if (reader) {
    const read = await readStream(reader, first, size, use, stall);
    if (read === null) return;
    offset = read;
  }
  await readSlices(blob, offset, first, size, use);
}

/**
 * Use takes a chunk and the offset it ends at. fresh says the chunk is a
 * slice's own array (the whole of its buffer, which use may keep or
 * transfer); otherwise it is a view of the reader's one buffer.
 */
export type Use = (chunk: Uint8Array, end: number, fresh: boolean) => Promise<unknown> | void;

/** Stalled is thrown by a read of the stream that has not settled in time. */
class Stalled extends Error {}

/**
 * readStream reads the stream into one buffer, handing chunks to use, and
 * resolves to null at its end, or, when a read stalls, to the offset the
 * chunks handed over end at (the bytes read after it are dropped).
 */
async function readStream(reader: ReadableStreamBYOBReader, first: number, size: number, use: Use, stall: number): Promise<number | null> {
  let offset = 0;
  let pending: Promise<unknown> = Promise.resolve();
  try {
    let buf = new ArrayBuffer(size);
    let want = Math.min(first, size);
    let filled = 0;
    for (;;) {
      const { value, done } = await within(reader.read(new Uint8Array(buf, filled, want - filled)), stall);
      if (value) {
        buf = value.buffer as ArrayBuffer;
        filled += value.byteLength;
      }
      if (filled > 0 && (done || filled === want)) {
        await pending;
        offset += filled;
        pending = Promise.resolve(use(new Uint8Array(buf, 0, filled), offset, false));
        pending.catch(() => undefined); // awaited below: not an unhandled rejection meanwhile
        filled = 0;
        want = size;
      }
      if (done) break;
    }
    await pending;
    reader.releaseLock();
    return null;
  } catch (e) {
    // A stalled read may never settle: cancel without waiting for it.
    reader.cancel().catch(() => undefined);
    try {
      reader.releaseLock();
    } catch {
      // the lock goes with the reader
    }
    if (!(e instanceof Stalled)) throw e;
    await pending;
    // Said where a developer looks (the benchmarks count these).
    console.warn(`pcaplens: a read of the file's byte stream did not settle in ${stall} ms; the rest is read in slices from byte ${offset}`);
    return offset;
  }
}

/** within settles as p does, or rejects with Stalled after ms. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Stalled("a read of the file stalled")), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** readSlices reads the Blob from `from` in slices, the next one read while use's promise is pending. */
async function readSlices(blob: Blob, from: number, first: number, size: number, use: Use): Promise<void> {
  const endOf = (at: number) => Math.min(blob.size, at + (at === 0 ? Math.min(size, first) : size));
  const slice = (at: number) => blob.slice(at, endOf(at)).arrayBuffer();
  let next: Promise<ArrayBuffer> | null = from < blob.size ? slice(from) : null;
  for (let offset = from; next; ) {
    const bytes = new Uint8Array(await next);
    offset += bytes.byteLength;
    next = offset < blob.size && bytes.byteLength > 0 ? slice(offset) : null;
    try {
      await use(bytes, offset, true);
    } catch (e) {
      next?.catch(() => undefined); // the slice read ahead is not wanted
      throw e;
    }
  }
}
