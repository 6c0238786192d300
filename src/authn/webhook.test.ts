import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError } from './interfaces.js';
import { loadWebhookKubeconfig, newWebhookTokenAuthenticator } from './webhook.js';
import { startTokenReviewWebhook, tempDir, testPki, webhookKubeconfig, type TestWebhook } from './testing.js';
import { issueClientCert, type PkiMaterial } from '../server/certs/pki.js';

const dir = tempDir();
let pki: PkiMaterial;
let otherPki: PkiMaterial;
let hook: TestWebhook;
/** What the webhook answers next, by token. */
const answers = new Map<string, { status?: number; body: unknown }>();
let failuresBeforeSuccess = 0;

before(async () => {
  pki = await testPki(dir, 'pki');
  otherPki = await testPki(dir, 'other');
  hook = await startTokenReviewWebhook(pki, (review) => {
    const token = (review.spec as { token: string }).token;
    if (token === 'flaky' && failuresBeforeSuccess > 0) {
      failuresBeforeSuccess--;
      return { status: 500, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'try again', code: 500 } };
    }
    return answers.get(token) ?? { body: { apiVersion: review.apiVersion, kind: 'TokenReview', status: { authenticated: false } } };
  });
  const ok = (username: string, extra: Record<string, unknown> = {}) => ({ body: { kind: 'TokenReview', status: { authenticated: true, user: { username, uid: '42', groups: ['dev'], ...extra } } } });
  answers.set('good', ok('jane', { extra: { 'example.com/team': ['blue'] } }));
  answers.set('flaky', ok('flaky-user'));
  answers.set('with-error', { body: { status: { authenticated: false, error: 'token revoked' } } });
  answers.set('other-audience', { body: { status: { authenticated: true, user: { username: 'x' }, audiences: ['somewhere-else'] } } });
  answers.set('forbidden', { status: 403, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'webhook says no', code: 403 } });
});

after(async () => {
  await hook.close();
  dir.remove();
});

async function kubeconfig(caPem = pki.caCertPem): Promise<string> {
  const client = await issueClientCert(pki, 'kube-apiserver', []);
  return dir.write(`hook-${Math.random().toString(36).slice(2)}.kubeconfig`, webhookKubeconfig(hook.url, caPem, client));
}

const apiAuds = ['https://kubernetes.default.svc.cluster.local'];

test('the kubeconfig gives the server, the CA and the client certificate', async () => {
  const ep = loadWebhookKubeconfig(await kubeconfig());
  assert.equal(ep.server, hook.url);
  assert.equal(ep.tls.ca, pki.caCertPem);
  assert.match(ep.tls.cert ?? '', /BEGIN CERTIFICATE/);
  assert.match(ep.tls.key ?? '', /PRIVATE KEY/);
});

test('an authenticated review: v1beta1 by default, user with extra, client certificate presented, result cached', async () => {
  const a = newWebhookTokenAuthenticator({ endpoint: loadWebhookKubeconfig(await kubeconfig()), implicitAudiences: apiAuds });
  const before = hook.reviews.length;
  const r = await a.authenticateToken('good', apiAuds);
  assert.deepEqual(r, { user: { name: 'jane', uid: '42', groups: ['dev'], extra: { 'example.com/team': ['blue'] } }, audiences: apiAuds });
  const sent = hook.reviews[hook.reviews.length - 1];
  assert.deepEqual(sent, { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1beta1', metadata: { creationTimestamp: null }, spec: { token: 'good', audiences: apiAuds }, status: { user: {} } });
  assert.equal(hook.clientNames[hook.clientNames.length - 1], 'kube-apiserver');
  await a.authenticateToken('good', apiAuds);
  assert.equal(hook.reviews.length, before + 1, 'second lookup is served from the cache');
  await a.authenticateToken('good', ['other-aud']);
  assert.equal(hook.reviews.length, before + 2, 'other audiences are another cache entry');
});

test('v1 reviews; denials are cached, errors are not', async () => {
  const a = newWebhookTokenAuthenticator({ endpoint: loadWebhookKubeconfig(await kubeconfig()), version: 'v1', implicitAudiences: apiAuds });
  const before = hook.reviews.length;
  assert.equal(await a.authenticateToken('unknown', apiAuds), null);
  assert.equal(hook.reviews[hook.reviews.length - 1].apiVersion, 'authentication.k8s.io/v1');
  assert.equal(await a.authenticateToken('unknown', apiAuds), null);
  assert.equal(hook.reviews.length, before + 1);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(() => a.authenticateToken('with-error', apiAuds), (err: unknown) => err instanceof AuthenticationError && err.detail === 'token revoked');
  }
  assert.equal(hook.reviews.length, before + 3);
});

test('audiences in the answer must meet the requested ones', async () => {
  const a = newWebhookTokenAuthenticator({ endpoint: loadWebhookKubeconfig(await kubeconfig()), implicitAudiences: apiAuds, cacheTtlMs: 0 });
  assert.equal(await a.authenticateToken('other-audience', apiAuds), null);
});

test('500s are retried with backoff; other error codes and unknown CAs fail', async () => {
  const a = newWebhookTokenAuthenticator({ endpoint: loadWebhookKubeconfig(await kubeconfig()), implicitAudiences: apiAuds, initialBackoffMs: 5, cacheTtlMs: 0 });
  failuresBeforeSuccess = 2;
  assert.equal((await a.authenticateToken('flaky', apiAuds))?.user.name, 'flaky-user');
  assert.equal(failuresBeforeSuccess, 0);
  await assert.rejects(() => a.authenticateToken('forbidden', apiAuds), (err: unknown) => err instanceof AuthenticationError && /webhook says no/.test(err.detail));
  const untrusted = newWebhookTokenAuthenticator({ endpoint: loadWebhookKubeconfig(await kubeconfig(otherPki.caCertPem)), implicitAudiences: apiAuds, initialBackoffMs: 5 });
  await assert.rejects(() => untrusted.authenticateToken('good', apiAuds), (err: unknown) => err instanceof AuthenticationError && /certificate/.test(err.detail));
});
