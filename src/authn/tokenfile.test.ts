import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from './csv.js';
import { newTokenFileAuthenticator, parseTokenFile } from './tokenfile.js';
import { basicAuthWarning, newBasicAuthFileAuthenticator } from './basicauth.js';
import { newBearerTokenAuthenticator, bearerToken } from './bearertoken.js';
import { AuthenticationError, unionTokenAuthenticator } from './interfaces.js';
import { fakeRequest, tempDir } from './testing.js';

const csvCases: { name: string; text: string; want?: string[][]; error?: RegExp }[] = [
  { name: 'plain fields', text: 'a,b,c\n', want: [['a', 'b', 'c']] },
  { name: 'quoted groups with commas', text: 'tok,alice,1,"dev,ops"\n', want: [['tok', 'alice', '1', 'dev,ops']] },
  { name: 'escaped quote', text: '"a""b",c\n', want: [['a"b', 'c']] },
  { name: 'crlf and empty lines skipped', text: 'a,b\r\n\r\n\nc,d', want: [['a', 'b'], ['c', 'd']] },
  { name: 'trailing comma is an empty field', text: 'a,b,\n', want: [['a', 'b', '']] },
  { name: 'quoted field spans lines', text: '"x\ny",z\n', want: [['x\ny', 'z']] },
  { name: 'spaces are kept', text: ' a , b\n', want: [[' a ', ' b']] },
  { name: 'bare quote', text: 'a"b,c\n', error: /parse error on line 1, column 2: bare " in non-quoted-field/ },
  { name: 'unterminated quote', text: 'ok\n"abc', error: /extraneous or missing " in quoted-field/ },
  { name: 'text after closing quote', text: '"a"b,c', error: /parse error on line 1, column 4: extraneous/ },
];
for (const c of csvCases) {
  test(`csv: ${c.name}`, () => {
    if (c.error) assert.throws(() => parseCsv(c.text), c.error);
    else assert.deepEqual(parseCsv(c.text).map((r) => r.fields), c.want);
  });
}

test('token file: columns, groups, empty and duplicate tokens', () => {
  const { tokens, warnings } = parseTokenFile('t1,alice,u1,"dev,ops"\nt2,bob,u2\n,nobody,u3\nt1,carol,u4\n', '/f.csv');
  assert.deepEqual(tokens.get('t1'), { name: 'carol', uid: 'u4', groups: [], extra: {} });
  assert.deepEqual(tokens.get('t2'), { name: 'bob', uid: 'u2', groups: [], extra: {} });
  assert.equal(tokens.size, 2);
  assert.deepEqual(warnings, ["empty token has been found in token file '/f.csv', record number '3'", "duplicate token has been found in token file '/f.csv', record number '4'"]);
  assert.throws(() => parseTokenFile('t1,alice\n', '/f.csv'), /token file '\/f.csv' must have at least 3 columns \(token, user name, user uid\), found 2/);
});

test('bearer header parsing follows Kubernetes', () => {
  const cases: [string, string | undefined][] = [
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['  BEARER abc  ', 'abc'],
    ['Bearer abc def', 'abc'],
    ['Bearer  abc', undefined],
    ['Bearer', undefined],
    ['Basic abc', undefined],
    ['', undefined],
  ];
  for (const [h, want] of cases) assert.equal(bearerToken(h), want, h);
});

test('token file over the bearer authenticator: valid, unknown, absent', async () => {
  const dir = tempDir();
  try {
    const path = dir.write('tokens.csv', 'secret-1,alice,1001,"system:masters,dev"\n');
    const auth = newBearerTokenAuthenticator(unionTokenAuthenticator([newTokenFileAuthenticator(path)]), []);
    const ok = await auth.authenticate(fakeRequest([['Authorization', 'Bearer secret-1']]));
    assert.deepEqual(ok?.user, { name: 'alice', uid: '1001', groups: ['system:masters', 'dev'], extra: {} });
    await assert.rejects(async () => auth.authenticate(fakeRequest([['Authorization', 'Bearer secret-2']])), (err: unknown) => {
      assert.ok(err instanceof AuthenticationError);
      assert.equal(err.detail, 'invalid bearer token');
      assert.deepEqual(err.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      return true;
    });
    assert.equal(await auth.authenticate(fakeRequest([])), null);
    assert.equal(await auth.authenticate(fakeRequest([['Authorization', 'Basic YTpi']])), null);
  } finally {
    dir.remove();
  }
});

test('basic auth file: right and wrong passwords, warning text', async () => {
  const dir = tempDir();
  try {
    const path = dir.write('passwords.csv', 'pw1,alice,1001,"g1,g2"\npw2,bob,1002\n');
    const logged: string[] = [];
    const auth = newBasicAuthFileAuthenticator(path, (l) => logged.push(l));
    assert.deepEqual(logged, [basicAuthWarning]);
    const basic = (u: string, p: string) => fakeRequest([['Authorization', `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`]]);
    assert.deepEqual((await auth.authenticate(basic('alice', 'pw1')))?.user, { name: 'alice', uid: '1001', groups: ['g1', 'g2'], extra: {} });
    assert.deepEqual((await auth.authenticate(basic('bob', 'pw2')))?.user.groups, []);
    for (const [u, p] of [['alice', 'pw2'], ['nobody', 'pw1'], ['alice', '']]) {
      await assert.rejects(async () => auth.authenticate(basic(u, p)), (err: unknown) => err instanceof AuthenticationError && err.detail === 'invalid username/password combination');
    }
    assert.equal(await auth.authenticate(fakeRequest([['Authorization', 'Bearer x']])), null);
    assert.equal(await auth.authenticate(fakeRequest([['Authorization', 'Basic !!notbase64']])), null);
  } finally {
    dir.remove();
  }
});
