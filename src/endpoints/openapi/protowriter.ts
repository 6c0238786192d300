/**
 * A minimal protobuf wire-format writer for the gnostic OpenAPI encoder:
 * varints, length-delimited strings and nested messages. Nested messages are
 * written in place: `fork()` reserves a slot for the length prefix and
 * `join()` fills it once the message is complete, so no bytes are copied
 * until `finish()`.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

/** Encodes an unsigned integer (up to 2^53) as a base-128 varint. */
export function encodeVarint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v > 0x7f) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** Appends protobuf fields; see the module comment for nested messages. */
export class ProtoWriter {
  private readonly pieces: (Buffer | null)[] = [];
  private length = 0;
  private readonly forks: { slot: number; start: number }[] = [];
  /** Scratch buffer for small writes (tags, varints), flushed as one piece. */
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private scratchUsed = 0;

  private flushScratch(): void {
    if (this.scratchUsed === 0) return;
    this.pieces.push(Buffer.from(this.scratch.subarray(0, this.scratchUsed)));
    this.scratchUsed = 0;
  }

  private pushBytes(b: Buffer): void {
    if (b.length <= 64) {
      if (this.scratchUsed + b.length > this.scratch.length) this.flushScratch();
      b.copy(this.scratch, this.scratchUsed);
      this.scratchUsed += b.length;
    } else {
      this.flushScratch();
      this.pieces.push(b);
    }
    this.length += b.length;
  }

  private rawVarint(n: number): void {
    if (this.scratchUsed + 10 > this.scratch.length) this.flushScratch();
    let v = n;
    while (v > 0x7f) {
      this.scratch[this.scratchUsed++] = (v % 0x80) | 0x80;
      this.length++;
      v = Math.floor(v / 0x80);
    }
    this.scratch[this.scratchUsed++] = v;
    this.length++;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawString(field: number, value: string): void {
    const len = Buffer.byteLength(value, 'utf8');
    this.tag(field, WIRE_LEN);
    this.rawVarint(len);
    if (len <= 4096) {
      if (this.scratchUsed + len > this.scratch.length) this.flushScratch();
      this.scratch.write(value, this.scratchUsed, 'utf8');
      this.scratchUsed += len;
      this.length += len;
    } else {
      this.pushBytes(Buffer.from(value, 'utf8'));
    }
  }

  /** A string field; empty strings are skipped (proto3 default). */
  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    this.rawString(field, value);
    return this;
  }

  /** A repeated string field (every element written, even empty ones). */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.rawString(field, v);
    return this;
  }

  /** A bool field; false is skipped. */
  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, WIRE_VARINT);
    this.rawVarint(1);
    return this;
  }

  /** A bool written even when false (a oneof member that is set). */
  boolAlways(field: number, value: boolean): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value ? 1 : 0);
    return this;
  }

  /** A non-negative int64 field; 0 is skipped. */
  int64(field: number, value: number | undefined): this {
    if (value === undefined || value === 0 || !Number.isFinite(value)) return this;
    if (value < 0) throw new RangeError(`negative int64 ${value} is not supported`);
    this.tag(field, WIRE_VARINT);
    this.rawVarint(Math.trunc(value));
    return this;
  }

  /** A double field; 0 is skipped. */
  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.tag(field, WIRE_FIXED64);
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(value);
    this.pushBytes(b);
    return this;
  }

  /** Starts a nested message in `field`; close it with `join()`. */
  fork(field: number): this {
    this.tag(field, WIRE_LEN);
    this.flushScratch();
    this.forks.push({ slot: this.pieces.length, start: this.length });
    this.pieces.push(null);
    return this;
  }

  /** Ends the innermost nested message, writing its length prefix. */
  join(): this {
    const f = this.forks.pop();
    if (!f) throw new Error('join without fork');
    this.flushScratch();
    const prefix = encodeVarint(this.length - f.start);
    this.pieces[f.slot] = prefix;
    this.length += prefix.length;
    return this;
  }

  /** Writes a nested message produced by `body` into `field` (always present, even if empty). */
  message(field: number, body: (w: this) => void): this {
    this.fork(field);
    body(this);
    return this.join();
  }

  /** The encoded bytes. */
  finish(): Buffer {
    if (this.forks.length > 0) throw new Error('unclosed nested message');
    this.flushScratch();
    return Buffer.concat(this.pieces as Buffer[], this.length);
  }
}
