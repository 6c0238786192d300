import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationError,
  audienceAgnostic,
  failOnErrorUnion,
  unionAuthenticator,
  withAuthenticatedGroup,
  type Authenticator,
  type TokenAuthenticator,
} from './interfaces.js';
import { newAnonymousAuthenticator } from './anonymous.js';
import { newWebSocketProtocolAuthenticator, bearerProtocolPrefix } from './websocket.js';
import { newCachedTokenAuthenticator } from './tokencache.js';
import { fakeRequest } from './testing.js';

const user = (name: string) => ({ name, uid: '', groups: [], extra: {} });
const ok = (name: string): Authenticator => ({ authenticate: () => ({ user: user(name) }) });
const none: Authenticator = { authenticate: () => null };
const bad = (why: string): Authenticator => ({
  authenticate: () => {
    throw new AuthenticationError(why);
  },
});

async function outcome(a: Authenticator): Promise<string> {
  try {
    const r = await a.authenticate(fakeRequest());
    return r ? `user ${r.user.name}` : 'none';
  } catch (err) {
    return err instanceof AuthenticationError ? `401 ${err.detail}` : `other ${String(err)}`;
  }
}

const unionCases: { name: string; list: Authenticator[]; want: string }[] = [
  { name: 'first success wins', list: [ok('a'), ok('b')], want: 'user a' },
  { name: 'a later success wins over an earlier failure', list: [bad('bad cert'), ok('b')], want: 'user b' },
  { name: 'no credentials anywhere', list: [none, none], want: 'none' },
  { name: 'one failure is reported', list: [none, bad('invalid bearer token')], want: '401 invalid bearer token' },
  { name: 'failures aggregate like Kubernetes', list: [bad('x'), bad('y'), bad('x')], want: '401 [x, y]' },
  { name: 'unexpected errors are failures too', list: [{ authenticate: () => Promise.reject(new Error('storage down')) }], want: '401 storage down' },
];
for (const c of unionCases) {
  test(`union: ${c.name}`, async () => {
    assert.equal(await outcome(unionAuthenticator(c.list)), c.want);
  });
}

test('anonymous is reached only when nobody saw credentials, and only on allowed paths', async () => {
  const anon = newAnonymousAuthenticator({ paths: (p) => p === '/healthz' });
  assert.equal(await outcome(failOnErrorUnion(unionAuthenticator([none]), anon)), 'none');
  const r = await failOnErrorUnion(unionAuthenticator([none]), anon).authenticate(fakeRequest([], '/healthz?verbose'));
  assert.deepEqual(r?.user, { name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} });
  assert.equal(await outcome(failOnErrorUnion(unionAuthenticator([bad('invalid bearer token')]), newAnonymousAuthenticator())), '401 invalid bearer token');
  assert.equal(await outcome(failOnErrorUnion(unionAuthenticator([none]), newAnonymousAuthenticator())), 'user system:anonymous');
});

test('system:authenticated is added except to anonymous and users that carry either marker group', () => {
  assert.deepEqual(withAuthenticatedGroup({ ...user('a'), groups: ['g'] }).groups, ['g', 'system:authenticated']);
  assert.deepEqual(withAuthenticatedGroup({ ...user('a'), groups: ['system:unauthenticated'] }).groups, ['system:unauthenticated']);
  assert.deepEqual(withAuthenticatedGroup({ ...user('a'), groups: ['system:authenticated', 'g'] }).groups, ['system:authenticated', 'g']);
  assert.deepEqual(withAuthenticatedGroup({ ...user('system:anonymous'), groups: ['system:unauthenticated'] }).groups, ['system:unauthenticated']);
});

test('audience-agnostic authenticators answer only for the API audiences', async () => {
  const inner: TokenAuthenticator = { authenticateToken: async (t) => (t === 'tok' ? { user: user('a'), audiences: [] } : null) };
  const a = audienceAgnostic(['api', 'kapi'], inner);
  assert.deepEqual((await a.authenticateToken('tok', ['kapi', 'x']))?.audiences, ['kapi']);
  assert.equal(await a.authenticateToken('tok', ['vault']), null);
  assert.deepEqual((await a.authenticateToken('tok', []))?.audiences, []);
});

const tokens: TokenAuthenticator = { authenticateToken: async (t) => (t === 'sekret' ? { user: user('ws-user'), audiences: [] } : null) };
const ws = (protocols: string[], extra: [string, string][] = [['Upgrade', 'websocket'], ['Connection', 'keep-alive, Upgrade']]) =>
  fakeRequest([...extra, ...protocols.map((p): [string, string] => ['Sec-WebSocket-Protocol', p])]);
const enc = (t: string) => bearerProtocolPrefix + Buffer.from(t).toString('base64url');

const wsCases: { name: string; req: () => ReturnType<typeof fakeRequest>; want: string }[] = [
  { name: 'token protocol beside a real one', req: () => ws([`${enc('sekret')}, v4.channel.k8s.io`]), want: 'user ws-user' },
  { name: 'protocols over several headers', req: () => ws([enc('sekret'), 'v5.channel.k8s.io']), want: 'user ws-user' },
  { name: 'not a WebSocket upgrade', req: () => ws([`${enc('sekret')}, v4.channel.k8s.io`], []), want: 'none' },
  { name: 'no token protocol', req: () => ws(['v4.channel.k8s.io']), want: 'none' },
  { name: 'token is the only protocol', req: () => ws([enc('sekret')]), want: '401 missing additional subprotocol' },
  { name: 'two tokens', req: () => ws([`${enc('sekret')}, ${enc('sekret')}, v4.channel.k8s.io`]), want: '401 multiple base64.bearer.authorization tokens specified' },
  { name: 'bad encoding', req: () => ws([`${bearerProtocolPrefix}a=b, v4.channel.k8s.io`]), want: '401 invalid base64.bearer.authorization token encoding' },
  { name: 'unknown token', req: () => ws([`${enc('nope')}, v4.channel.k8s.io`]), want: '401 invalid bearer token' },
];
for (const c of wsCases) {
  test(`websocket protocol: ${c.name}`, async () => {
    const a = newWebSocketProtocolAuthenticator(tokens, []);
    const req = c.req();
    assert.equal(await outcome({ authenticate: () => a.authenticate(req) }), c.want);
    if (c.want.startsWith('user')) assert.equal(req.headers['sec-websocket-protocol'], c.name === 'protocols over several headers' ? 'v5.channel.k8s.io' : 'v4.channel.k8s.io');
  });
}

test('token cache: successes are reused until the TTL passes, failures are not cached', async () => {
  let calls = 0;
  let clock = 0;
  const inner: TokenAuthenticator = {
    authenticateToken: async (t) => {
      calls++;
      if (t === 'boom') throw new AuthenticationError('boom');
      return t === 'good' ? { user: { ...user('a'), groups: ['g'] }, audiences: ['api'] } : null;
    },
  };
  const c = newCachedTokenAuthenticator(inner, { successTtlMs: 1000, failureTtlMs: 0, now: () => clock });
  const [a, b] = await Promise.all([c.authenticateToken('good', ['api']), c.authenticateToken('good', ['api'])]);
  assert.equal(calls, 1, 'concurrent lookups share one call');
  a?.user.groups.push('mutated');
  assert.deepEqual(b?.user.groups, ['g']);
  assert.deepEqual((await c.authenticateToken('good', ['api']))?.user.groups, ['g']);
  assert.equal(calls, 1);
  clock = 1001;
  await c.authenticateToken('good', ['api']);
  assert.equal(calls, 2);
  await c.authenticateToken('bad', ['api']);
  await c.authenticateToken('bad', ['api']);
  assert.equal(calls, 4);
  await assert.rejects(() => c.authenticateToken('boom', ['api']));
  await assert.rejects(() => c.authenticateToken('boom', ['api']));
  assert.equal(calls, 6);
});
