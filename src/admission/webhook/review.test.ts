import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdmissionReview, verifyAdmissionResponse } from './review.js';
import { toStatusError } from './errors.js';
import { responseErrorText, webhookURL } from './client.js';
import type { JsonObject } from '../../runtime/object.js';

const fields = {
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  resource: { group: 'apps', version: 'v1', resource: 'deployments' },
  subResource: 'scale',
  requestKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
  requestSubResource: 'scale',
  name: 'web',
  namespace: 'prod',
  operation: 'UPDATE',
  userInfo: { name: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['a'] } },
  dryRun: false,
  options: { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1' },
};

test('the AdmissionReview v1 request carries every field, in Go order', () => {
  const r = createAdmissionReview(['v1', 'v1beta1'], fields, { kind: 'Scale' }, { kind: 'Scale', spec: { replicas: 1 } }, 'uid-1');
  assert.equal(r.version, 'v1');
  assert.equal(JSON.stringify(r.body), JSON.stringify({
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid: 'uid-1',
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      subResource: 'scale',
      requestKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
      requestSubResource: 'scale',
      name: 'web',
      namespace: 'prod',
      operation: 'UPDATE',
      userInfo: { username: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['a'] } },
      object: { kind: 'Scale' },
      oldObject: { kind: 'Scale', spec: { replicas: 1 } },
      dryRun: false,
      options: { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  }));
});

test('a create sends oldObject null; the first known version is used', () => {
  const r = createAdmissionReview(['v2', 'v1beta1'], { ...fields, operation: 'CREATE', subResource: '', requestSubResource: '' }, { kind: 'Deployment' }, null);
  assert.equal(r.version, 'v1beta1');
  assert.equal((r.body as { apiVersion: string }).apiVersion, 'admission.k8s.io/v1beta1');
  const req = (r.body as { request: Record<string, unknown> }).request;
  assert.equal(req.oldObject, null);
  assert.equal('subResource' in req, false);
  assert.throws(() => createAdmissionReview(['v9'], fields, null, null), /^Error: webhook does not accept known AdmissionReview versions \(v1, v1beta1\)$/);
});

const ok = (response: Record<string, unknown>) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u', ...response } });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

const verifyCases: { name: string; mutating: boolean; body: unknown; error?: string }[] = [
  { name: 'allowed', mutating: false, body: ok({ allowed: true }) },
  { name: 'absent response', mutating: false, body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, error: 'webhook response was absent' },
  { name: 'uid mismatch', mutating: false, body: ok({ uid: 'other', allowed: true }), error: 'expected response.uid="u", got "other"' },
  { name: 'missing kind', mutating: false, body: { response: { uid: 'u', allowed: true } }, error: 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got /, Kind=' },
  { name: 'patch without type', mutating: true, body: ok({ allowed: true, patch: b64([{ op: 'add', path: '/x', value: 1 }]) }), error: 'webhook returned response.patch but not response.patchType' },
  { name: 'type without patch', mutating: true, body: ok({ allowed: true, patchType: 'JSONPatch' }), error: 'webhook returned response.patchType but not response.patch' },
  { name: 'validating patch', mutating: false, body: ok({ allowed: true, patch: b64([]) }), error: 'validating webhook may not return response.patch' },
  { name: 'validating patch type', mutating: false, body: ok({ allowed: true, patchType: 'JSONPatch' }), error: 'validating webhook may not return response.patchType' },
];

for (const c of verifyCases) {
  test(`verify response: ${c.name}`, () => {
    if (c.error) assert.throws(() => verifyAdmissionResponse('u', c.mutating, 'v1', c.body), (e: Error) => e.message === c.error);
    else assert.equal(verifyAdmissionResponse('u', c.mutating, 'v1', c.body).allowed, true);
  });
}

test('verify response: warnings, annotations and patch are extracted', () => {
  const r = verifyAdmissionResponse('u', true, 'v1', ok({ allowed: true, patchType: 'JSONPatch', patch: b64([{ op: 'add', path: '/a', value: 1 }]), warnings: ['w1'], auditAnnotations: { k: 'v' } }));
  assert.deepEqual(JSON.parse(r.patch?.toString() ?? ''), [{ op: 'add', path: '/a', value: 1 }]);
  assert.deepEqual(r.warnings, ['w1']);
  assert.deepEqual(r.auditAnnotations, { k: 'v' });
});

test('verify response: v1beta1 checks neither uid nor kind', () => {
  assert.equal(verifyAdmissionResponse('u', true, 'v1beta1', { response: { allowed: true, patch: b64([{ op: 'add', path: '/a', value: 1 }]) } }).patchType, 'JSONPatch');
});

const denials: { name: string; result: JsonObject | undefined; code: number; message: string; reason?: string }[] = [
  { name: 'message and code', result: { message: 'no way', code: 403, reason: 'Forbidden' }, code: 403, message: 'admission webhook "v.example.com" denied the request: no way', reason: 'Forbidden' },
  { name: 'reason only', result: { reason: 'Nope', code: 400 }, code: 400, message: 'admission webhook "v.example.com" denied the request: Nope', reason: 'Nope' },
  { name: 'no status', result: undefined, code: 500, message: 'admission webhook "v.example.com" denied the request without explanation' },
  { name: 'custom code', result: { message: 'too big', code: 422 }, code: 422, message: 'admission webhook "v.example.com" denied the request: too big' },
];

for (const d of denials) {
  test(`denial: ${d.name}`, () => {
    const err = toStatusError('v.example.com', d.result);
    assert.equal(err.status.code, d.code);
    assert.equal(err.status.message, d.message);
    assert.equal(err.status.reason, d.reason);
    assert.equal(err.status.status, 'Failure');
  });
}

test('webhook URLs as Kubernetes prints them', () => {
  assert.equal(webhookURL({ url: 'https://127.0.0.1:9443/mutate' }, 10), 'https://127.0.0.1:9443/mutate?timeout=10s');
  assert.equal(webhookURL({ url: 'https://example.com' }, 1), 'https://example.com/?timeout=1s');
  assert.equal(webhookURL({ service: { namespace: 'ns', name: 'svc', path: '/validate', port: 443 } }, 30), 'https://svc.ns.svc:443/validate?timeout=30s');
});

test('non-2xx answers read like client-go', () => {
  assert.equal(responseErrorText(404, 'text/plain', Buffer.from('x')), 'the server could not find the requested resource');
  assert.equal(responseErrorText(500, 'text/plain', Buffer.from('boom\n')), 'an error on the server ("boom") has prevented the request from succeeding');
  assert.equal(responseErrorText(500, 'application/json', Buffer.from('{"kind":"Status","message":"bad"}')), 'bad');
});
