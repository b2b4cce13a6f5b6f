// readBlob: a File read in chunks by the analysis and digest workers.

/**
 * readBlob reads a Blob from its start in chunks, the first at most `first`
 * bytes and the others `size` (the last shorter), handing each to use with
 * the offset it ends at, in slices (the next one read while the promise use
 * returns is pending; use is called again once it settles).
 *
 * Reading the Blob's byte stream into one buffer instead was measured
 * (docs/benchmarks.md, seventh session): the slices' arrays, left to the
 * collector, grew the page's process by 60–70 MB on a 1 GB file, and the
 * stream read it in 1.1 s instead of 2.0 s. It was built and taken back:
 * with it, analyses hung now and then (a browser test where one of two files
 * is cancelled, three benchmark runs). Measured again in the eighth session,
 * it never hung in 132 runs of that test, but the whole analysis was no
 * faster and its peak no lower: the pass, not the reading, sets the pace.
 */
export async function readBlob(blob: Blob, first: number, size: number, use: (chunk: Uint8Array, end: number) => Promise<unknown> | void): Promise<void> {
  const endOf = (from: number) => Math.min(blob.size, from + (from === 0 ? Math.min(size, first) : size));
  const slice = (from: number) => blob.slice(from, endOf(from)).arrayBuffer();
  let next: Promise<ArrayBuffer> | null = blob.size > 0 ? slice(0) : null;
  for (let offset = 0; next; ) {
    const bytes = new Uint8Array(await next);
    offset += bytes.byteLength;
    next = offset < blob.size && bytes.byteLength > 0 ? slice(offset) : null;
    try {
      await use(bytes, offset);
    } catch (e) {
      next?.catch(() => undefined); // the slice read ahead is not wanted
      throw e;
    }
  }
}
