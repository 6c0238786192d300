import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtoReader, ProtoWriter, WireError, WireType } from './wire.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const varints: { name: string; write: (w: ProtoWriter) => void; bytes: string; read: (r: ProtoReader) => unknown; value: unknown }[] = [
  { name: 'zero', write: (w) => w.int(0), bytes: '00', read: (r) => r.int32(), value: 0 },
  { name: '1', write: (w) => w.int(1), bytes: '01', read: (r) => r.int32(), value: 1 },
  { name: '300', write: (w) => w.int(300), bytes: 'ac02', read: (r) => r.uint32(), value: 300 },
  { name: 'int32 -1 takes 10 bytes', write: (w) => w.int(-1), bytes: 'ffffffffffffffffff01', read: (r) => r.int32(), value: -1 },
  { name: 'int64 -2', write: (w) => w.int(-2), bytes: 'feffffffffffffffff01', read: (r) => r.int64(), value: -2 },
  { name: 'int32 max', write: (w) => w.int(2147483647), bytes: 'ffffffff07', read: (r) => r.int32(), value: 2147483647 },
  { name: 'uint32 max', write: (w) => w.int(4294967295), bytes: 'ffffffff0f', read: (r) => r.uint32(), value: 4294967295 },
  { name: 'int64 2^40', write: (w) => w.int(2 ** 40), bytes: '808080808020', read: (r) => r.int64(), value: 2 ** 40 },
  { name: 'int64 2^53-1', write: (w) => w.int(2 ** 53 - 1), bytes: 'ffffffffffffff0f', read: (r) => r.int64(), value: 2 ** 53 - 1 },
  { name: 'uint64 2^52', write: (w) => w.int(2 ** 52), bytes: '8080808080808008', read: (r) => r.uint64(), value: 2 ** 52 },
  { name: 'sint32 -1 (zigzag)', write: (w) => w.sint(-1), bytes: '01', read: (r) => r.sint32(), value: -1 },
  { name: 'sint32 1 (zigzag)', write: (w) => w.sint(1), bytes: '02', read: (r) => r.sint32(), value: 1 },
  { name: 'sint64 -2^40 (zigzag)', write: (w) => w.sint(-(2 ** 40)), bytes: 'ffffffffff3f', read: (r) => r.sint64(), value: -(2 ** 40) },
  { name: 'bool true', write: (w) => w.bool(true), bytes: '01', read: (r) => r.bool(), value: true },
  { name: 'fixed32', write: (w) => w.fixed32(0x01020304), bytes: '04030201', read: (r) => r.fixed32(), value: 0x01020304 },
  { name: 'fixed64', write: (w) => w.fixed64(2 ** 33 + 5), bytes: '0500000002000000', read: (r) => r.fixed64(), value: 2 ** 33 + 5 },
  { name: 'sfixed64 -1', write: (w) => w.fixed64(-1), bytes: 'ffffffffffffffff', read: (r) => r.sfixed64(), value: -1 },
  { name: 'double', write: (w) => w.double(1.5), bytes: '000000000000f83f', read: (r) => r.double(), value: 1.5 },
  { name: 'float', write: (w) => w.float(0.5), bytes: '0000003f', read: (r) => r.float(), value: 0.5 },
  { name: 'string', write: (w) => w.string('hé'), bytes: '0368c3a9', read: (r) => r.string(), value: 'hé' },
];
for (const c of varints) {
  test(`wire ${c.name}`, () => {
    const w = new ProtoWriter();
    c.write(w);
    const b = w.finish();
    assert.equal(hex(b), c.bytes);
    const r = new ProtoReader(b);
    assert.equal(c.read(r), c.value);
    assert.ok(r.done());
  });
}

test('tags carry field number and wire type', () => {
  const b = new ProtoWriter().tag(1, WireType.LengthDelimited).tag(16, WireType.Varint).tag(536870911, WireType.Fixed32).finish();
  const r = new ProtoReader(b);
  assert.deepEqual(r.tag(), { field: 1, wireType: 2 });
  assert.deepEqual(r.tag(), { field: 16, wireType: 0 });
  assert.deepEqual(r.tag(), { field: 536870911, wireType: 5 });
});

test('skip passes over every wire type, including groups', () => {
  const w = new ProtoWriter();
  w.tag(1, WireType.Varint).int(-5);
  w.tag(2, WireType.Fixed64).fixed64(7);
  w.tag(3, WireType.LengthDelimited).string('abc');
  w.tag(4, WireType.Fixed32).fixed32(9);
  w.tag(5, WireType.StartGroup).tag(6, WireType.Varint).int(1).tag(5, WireType.EndGroup);
  w.tag(7, WireType.Varint).int(42);
  const r = new ProtoReader(w.finish());
  for (let i = 0; i < 5; i++) {
    const t = r.tag();
    r.skip(t.wireType, t.field);
  }
  assert.deepEqual(r.tag(), { field: 7, wireType: 0 });
  assert.equal(r.int32(), 42);
});

const malformed: { name: string; bytes: number[]; act: (r: ProtoReader) => unknown; msg: RegExp }[] = [
  { name: 'truncated varint', bytes: [0x80, 0x80], act: (r) => r.int64(), msg: /end of data in varint/ },
  { name: 'varint longer than 10 bytes', bytes: Array(11).fill(0xff), act: (r) => r.int64(), msg: /longer than 10 bytes/ },
  { name: 'length past the end', bytes: [0x05, 0x61], act: (r) => r.string(), msg: /runs past the end/ },
  { name: 'huge length', bytes: [0xff, 0xff, 0xff, 0xff, 0x7f], act: (r) => r.bytes(), msg: /runs past the end/ },
  { name: 'truncated fixed32', bytes: [1, 2, 3], act: (r) => r.fixed32(), msg: /unexpected end of data/ },
  { name: 'truncated double', bytes: [1, 2, 3, 4], act: (r) => r.double(), msg: /unexpected end of data/ },
  { name: 'field number 0', bytes: [0x02], act: (r) => r.tag(), msg: /field number 0/ },
  { name: 'wire type 7', bytes: [0x0f, 0x00], act: (r) => { const t = r.tag(); r.skip(t.wireType, t.field); }, msg: /illegal wire type 7/ },
  { name: 'unterminated group', bytes: [0x0b, 0x08, 0x01], act: (r) => { const t = r.tag(); r.skip(t.wireType, t.field); }, msg: /end of data in group/ },
];
for (const c of malformed) {
  test(`wire rejects ${c.name}`, () => {
    assert.throws(() => c.act(new ProtoReader(Uint8Array.from(c.bytes))), (e: unknown) => e instanceof WireError && c.msg.test(e.message));
  });
}

test('a reader respects its end bound inside a larger buffer', () => {
  const b = Uint8Array.from([0x01, 0x02, 0x03]);
  const r = new ProtoReader(b, 1, 2);
  assert.equal(r.int32(), 2);
  assert.ok(r.done());
  assert.throws(() => r.int32(), WireError);
});
