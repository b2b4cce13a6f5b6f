// SHA-256 and SHA-1 (FIPS 180-4) over a stream of chunks, for the file
// digests capinfos reports. WebCrypto's digest() takes the whole input at
// once, which a 1 GB capture read in slices cannot give it; these take one
// chunk at a time and keep 64 bytes between calls.
//
// Words are 32-bit integers in Int32Array storage; `| 0` and `>>> 0` keep
// V8 on its integer paths.

const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Digest is a hash fed in chunks. */
export interface Digest {
  update(data: Uint8Array): void;
  /** hex returns the digest in lower-case hex; the object is spent afterwards. */
  hex(): string;
}

/** Block64 holds what every 64-byte-block hash shares: the partial block and the length. */
abstract class Block64 implements Digest {
  private readonly buf = new Uint8Array(64);
  private used = 0;
  private length = 0; // bytes so far (exact up to 2^53)
  /** h is the chaining state, w the message schedule. */
  protected readonly h: Int32Array;
  protected readonly w: Int32Array;

  constructor(initial: number[], schedule: number) {
    this.h = new Int32Array(initial);
    this.w = new Int32Array(schedule);
  }

  /**
   * block hashes the 64-byte block at p[off]. One call a block, not one a
   * chunk: V8 then optimizes it as a whole function with type feedback for
   * every line; a loop over a chunk was optimized on the stack and thrown
   * away at each chunk's end (measured in Node: SHA-256 ran at 70 MB/s over
   * the first 128 MB instead of 190).
   */
  protected abstract block(p: Uint8Array, off: number): void;

  /** blocks hashes the 64-byte blocks of p[off:end]. */
  private blocks(p: Uint8Array, off: number, end: number): void {
    for (; off < end; off += 64) this.block(p, off);
  }

  /** load puts the block at p[off] into w[0:16] as big-endian words. */
  protected load(p: Uint8Array, off: number): void {
    const w = this.w;
    for (let i = 0, j = off; i < 16; i++, j += 4) w[i] = (p[j]! << 24) | (p[j + 1]! << 16) | (p[j + 2]! << 8) | p[j + 3]!;
  }

  update(data: Uint8Array): void {
    this.length += data.length;
    let off = 0;
    if (this.used > 0) {
      const n = Math.min(64 - this.used, data.length);
      this.buf.set(data.subarray(0, n), this.used);
      this.used += n;
      off = n;
      if (this.used < 64) return;
      this.blocks(this.buf, 0, 64);
      this.used = 0;
    }
    const whole = off + ((data.length - off) & ~63);
    if (whole > off) this.blocks(data, off, whole);
    if (whole < data.length) {
      this.buf.set(data.subarray(whole), 0);
      this.used = data.length - whole;
    }
  }

  hex(): string {
    // Padding: 0x80, zeros, then the length in bits as a 64-bit big-endian number.
    const bits = this.length * 8;
    const pad = new Uint8Array((this.used < 56 ? 64 : 128) - this.used);
    pad[0] = 0x80;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    const n = pad.length;
    pad[n - 8] = hi >>> 24;
    pad[n - 7] = hi >>> 16;
    pad[n - 6] = hi >>> 8;
    pad[n - 5] = hi;
    pad[n - 4] = lo >>> 24;
    pad[n - 3] = lo >>> 16;
    pad[n - 2] = lo >>> 8;
    pad[n - 1] = lo;
    const length = this.length;
    this.update(pad);
    this.length = length;
    let out = "";
    for (const w of this.h) out += (w >>> 0).toString(16).padStart(8, "0");
    return out;
  }
}

/** SHA256 is SHA-256. */
export class SHA256 extends Block64 {
  constructor() {
    super([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19], 64);
  }

  protected block(p: Uint8Array, off: number): void {
    const w = this.w;
    const h = this.h;
    let h0 = h[0]!,
      h1 = h[1]!,
      h2 = h[2]!,
      h3 = h[3]!,
      h4 = h[4]!,
      h5 = h[5]!,
      h6 = h[6]!,
      h7 = h[7]!;
    this.load(p, off);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      k = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (k + S1 + ch + K256[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + k) | 0;
    h[0] = h0;
    h[1] = h1;
    h[2] = h2;
    h[3] = h3;
    h[4] = h4;
    h[5] = h5;
    h[6] = h6;
    h[7] = h7;
  }
}

/** SHA1 is SHA-1 (capinfos still reports it). */
export class SHA1 extends Block64 {
  constructor() {
    super([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0], 80);
  }

  protected block(p: Uint8Array, off: number): void {
    const w = this.w;
    const h = this.h;
    let h0 = h[0]!,
      h1 = h[1]!,
      h2 = h[2]!,
      h3 = h[3]!,
      h4 = h[4]!;
    this.load(p, off);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h[0] = h0;
    h[1] = h1;
    h[2] = h2;
    h[3] = h3;
    h[4] = h4;
  }
}
