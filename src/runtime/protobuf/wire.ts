/**
 * The protobuf wire format: a bounds-checked reader and a growable writer for
 * varints (plain and zigzag), fixed32/64 and length-delimited fields.
 * Malformed input throws WireError; it never reads past its end or loops.
 */

/** Wire types. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

/** A malformed protobuf byte sequence. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

const TWO_32 = 4294967296;

/** Reads protobuf primitives from `buf[pos, end)`. */
export class ProtoReader {
  pos: number;
  readonly end: number;

  constructor(readonly buf: Uint8Array, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  /** True when every byte has been read. */
  done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint as two unsigned 32-bit halves. */
  private varint64(): [lo: number, hi: number] {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('unexpected end of data in varint');
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return [lo >>> 0, hi >>> 0];
    }
    throw new WireError('varint is longer than 10 bytes');
  }

  /** A tag: field number and wire type. */
  tag(): { field: number; wireType: number } {
    const [lo, hi] = this.varint64();
    if (hi !== 0 || lo > 0x1fffffff * 8 + 7) throw new WireError('field tag out of range');
    const field = lo >>> 3;
    const wireType = lo & 7;
    if (field === 0) throw new WireError('illegal field number 0');
    return { field, wireType };
  }

  /** int32 / enum (negative values arrive as 10-byte varints). */
  int32(): number {
    return this.varint64()[0] | 0;
  }

  uint32(): number {
    return this.varint64()[0];
  }

  /** int64 as a JS number (exact up to 2^53). */
  int64(): number {
    const [lo, hi] = this.varint64();
    return (hi | 0) * TWO_32 + lo;
  }

  uint64(): number {
    const [lo, hi] = this.varint64();
    return hi * TWO_32 + lo;
  }

  sint32(): number {
    const n = this.varint64()[0];
    return (n >>> 1) ^ -(n & 1);
  }

  sint64(): number {
    const [lo, hi] = this.varint64();
    // zigzag: (n >>> 1) ^ -(n & 1) on 64 bits
    const neg = lo & 1;
    const ulo = ((lo >>> 1) | (hi << 31)) >>> 0;
    const uhi = hi >>> 1;
    if (!neg) return uhi * TWO_32 + ulo;
    // -(u + 1)
    return -(uhi * TWO_32 + ulo) - 1;
  }

  bool(): boolean {
    const [lo, hi] = this.varint64();
    return lo !== 0 || hi !== 0;
  }

  private need(n: number): void {
    if (this.end - this.pos < n) throw new WireError(`unexpected end of data (need ${n} bytes, have ${this.end - this.pos})`);
  }

  fixed32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  sfixed32(): number {
    return this.fixed32() | 0;
  }

  fixed64(): number {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return hi * TWO_32 + lo;
  }

  sfixed64(): number {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return (hi | 0) * TWO_32 + lo;
  }

  float(): number {
    this.need(4);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** The [start, end) range of a length-delimited field's payload; advances past it. */
  lengthDelimited(): [start: number, end: number] {
    const [lo, hi] = this.varint64();
    if (hi !== 0 || lo > this.end - this.pos) throw new WireError(`length ${hi !== 0 ? 'too large' : lo} runs past the end of the data`);
    const start = this.pos;
    this.pos += lo;
    return [start, this.pos];
  }

  bytes(): Uint8Array {
    const [s, e] = this.lengthDelimited();
    return this.buf.subarray(s, e);
  }

  string(): string {
    const [s, e] = this.lengthDelimited();
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + s, e - s).toString('utf8');
  }

  /** Skips one field's value of the given wire type. */
  skip(wireType: number, field: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint64();
        return;
      case WireType.Fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LengthDelimited:
        this.lengthDelimited();
        return;
      case WireType.Fixed32:
        this.need(4);
        this.pos += 4;
        return;
      case WireType.StartGroup: {
        // Skip until the matching end-group tag.
        for (;;) {
          if (this.done()) throw new WireError('unexpected end of data in group');
          const t = this.tag();
          if (t.wireType === WireType.EndGroup) {
            if (t.field !== field) throw new WireError('mismatched end-group tag');
            return;
          }
          this.skip(t.wireType, t.field);
        }
      }
      default:
        throw new WireError(`illegal wire type ${wireType} for field ${field}`);
    }
  }
}

/** Builds a protobuf byte sequence. */
export class ProtoWriter {
  private buf: Uint8Array = new Uint8Array(256);
  private len = 0;

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Writes an unsigned varint from 32-bit halves. */
  private varint64(lo: number, hi: number): void {
    this.grow(10);
    lo >>>= 0;
    hi >>>= 0;
    while (hi !== 0 || lo > 0x7f) {
      this.buf[this.len++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.len++] = lo;
  }

  /** Splits a JS integer into two's complement 32-bit halves. */
  private static halves(n: number): [number, number] {
    if (!Number.isFinite(n)) n = 0;
    n = Math.trunc(n);
    if (n >= 0) return [n % TWO_32 >>> 0, Math.floor(n / TWO_32) >>> 0];
    const m = -n;
    let lo = m % TWO_32 >>> 0;
    let hi = Math.floor(m / TWO_32) >>> 0;
    // two's complement of (hi, lo)
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    return [lo, hi];
  }

  tag(field: number, wireType: number): this {
    this.varint64(((field << 3) | wireType) >>> 0, 0);
    return this;
  }

  /** Any signed or unsigned integer as a varint (negatives take 10 bytes, as int32/int64 require). */
  int(n: number): this {
    const [lo, hi] = ProtoWriter.halves(n);
    this.varint64(lo, hi);
    return this;
  }

  sint(n: number): this {
    n = Math.trunc(n);
    const z = n >= 0 ? n * 2 : -n * 2 - 1;
    const [lo, hi] = ProtoWriter.halves(z);
    this.varint64(lo, hi);
    return this;
  }

  bool(b: boolean): this {
    this.varint64(b ? 1 : 0, 0);
    return this;
  }

  fixed32(n: number): this {
    this.grow(4);
    const v = n >>> 0;
    this.buf[this.len++] = v & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 24) & 0xff;
    return this;
  }

  fixed64(n: number): this {
    const [lo, hi] = ProtoWriter.halves(n);
    this.fixed32(lo);
    this.fixed32(hi);
    return this;
  }

  float(n: number): this {
    this.grow(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, n, true);
    this.len += 4;
    return this;
  }

  double(n: number): this {
    this.grow(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, n, true);
    this.len += 8;
    return this;
  }

  /** Length-prefixed bytes. */
  bytes(b: Uint8Array): this {
    this.varint64(b.length, 0);
    this.raw(b);
    return this;
  }

  string(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  /** Bytes without a length prefix. */
  raw(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** The bytes written so far (a copy). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
