// readBlob: a File read in chunks by the analysis and digest workers.

/**
 * readBlob reads a Blob from its start in chunks, the first at most `first`
 * bytes and the others `size` (the last shorter), handing each to use with
 * the offset it ends at. The chunks are read into one buffer (the Blob's byte
 * stream read into it): a chunk is valid only while use runs, the next one is
 * read into the same bytes as soon as use returns, and the promise use
 * returns is awaited before the next call. Slices read afresh each (the way
 * before) left their arrays to the collector: reading a 1 GB file so grew
 * the page's process by 60–70 MB and took 1.7 times as long; read into one
 * buffer, it did not grow. Where a Blob's stream cannot be read into a
 * buffer, slices, the next one read while use's promise is pending.
 */
export async function readBlob(blob: Blob, first: number, size: number, use: (chunk: Uint8Array, end: number) => Promise<unknown> | void): Promise<void> {
  let reader: ReadableStreamBYOBReader | null = null;
  try {
    reader = blob.stream().getReader({ mode: "byob" });
  } catch {
    reader = null;
  }
  if (!reader) {
    const endOf = (from: number) => Math.min(blob.size, from + (from === 0 ? Math.min(size, first) : size));
    const slice = (from: number) => blob.slice(from, endOf(from)).arrayBuffer();
    let next: Promise<ArrayBuffer> | null = blob.size > 0 ? slice(0) : null;
    for (let offset = 0; next; ) {
      const bytes = new Uint8Array(await next);
      offset += bytes.byteLength;
      next = offset < blob.size && bytes.byteLength > 0 ? slice(offset) : null;
      await use(bytes, offset);
    }
    return;
  }
  try {
    let buf = new ArrayBuffer(size);
    let want = Math.min(first, size);
    let filled = 0;
    let offset = 0;
    let pending: Promise<unknown> = Promise.resolve();
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buf, filled, want - filled));
      if (value) {
        buf = value.buffer as ArrayBuffer;
        filled += value.byteLength;
      }
      if (filled > 0 && (done || filled === want)) {
        await pending;
        offset += filled;
        pending = Promise.resolve(use(new Uint8Array(buf, 0, filled), offset));
        pending.catch(() => undefined); // awaited below: not an unhandled rejection meanwhile
        filled = 0;
        want = size;
      }
      if (done) break;
    }
    await pending;
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  } finally {
    reader.releaseLock();
  }
}
