import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import type { KubeObject } from '../../runtime/object.js';
import { selectableFieldsFor, strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';
import { setNowForTesting } from '../core/storage.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
setNowForTesting(() => '2025-01-02T03:04:05Z');

const csrs = strategyFor('certificates.k8s.io', 'v1', 'CertificateSigningRequest', false);
const alice = { name: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] };

async function pemCSR(): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as webcrypto.CryptoKeyPair;
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=alice,O=devs', keys, signingAlgorithm: alg });
  return req.toString('pem');
}

function csr(request: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: 'alice' },
    spec: { request: Buffer.from(request).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...extra },
  };
}

let goodPem = '';
test('csr: setup', async () => {
  goodPem = await pemCSR();
  assert.match(goodPem, /BEGIN CERTIFICATE REQUEST/);
});

test('csr: user fields come from the requester, never from the body', () => {
  const { obj, errs } = runCreate(csrs, csr(goodPem, { username: 'mallory', groups: ['system:masters'] }), alice);
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual([spec.username, spec.uid, spec.groups], ['alice', 'u-1', ['devs', 'system:authenticated']]);
  assert.deepEqual(obj.status, {});
});

test('csr: a request that is not a PEM CSR', () => {
  const errs = runCreate(csrs, csr('hi'), alice).errs;
  assert.deepEqual(
    errs.map((e) => e.message()),
    ['spec.request: Invalid value: []byte{0x68, 0x69}: PEM block type must be CERTIFICATE REQUEST'],
  );
});

test('csr: a tampered signature is refused', () => {
  const der = Buffer.from(goodPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[der.length - 5] ^= 0xff;
  const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  const errs = runCreate(csrs, csr(pem), alice).errs;
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec.request');
  assert.match(errs[0].detail, /verification|malformed/);
});

const cases: { name: string; extra: Record<string, unknown>; want: string[] }[] = [
  { name: 'signerName required', extra: { signerName: '' }, want: ['spec.signerName: Required value'] },
  {
    name: 'signerName shape',
    extra: { signerName: 'example' },
    want: ["spec.signerName: Invalid value: \"example\": must be a fully qualified domain and path of the form 'example.com/signer-name'"],
  },
  { name: 'signerName domain', extra: { signerName: 'example/signer' }, want: ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots'] },
  { name: 'legacy signer', extra: { signerName: 'kubernetes.io/legacy-unknown' }, want: ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version'] },
  { name: 'usages required', extra: { usages: [] }, want: ['spec.usages: Required value'] },
  { name: 'duplicate usage', extra: { usages: ['client auth', 'client auth'] }, want: ['spec.usages[1]: Duplicate value: "client auth"'] },
  { name: 'short expiration', extra: { expirationSeconds: 599 }, want: ['spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)'] },
];

for (const c of cases) {
  test(`csr: ${c.name}`, () => assert.deepEqual(runCreate(csrs, csr(goodPem, c.extra), alice).errs.map((e) => e.message()), c.want));
}

test('csr: unknown usage lists the supported ones', () => {
  const [err] = runCreate(csrs, csr(goodPem, { usages: ['flying'] }), alice).errs;
  assert.equal(err.field, 'spec.usages[0]');
  assert.equal(err.type, 'FieldValueNotSupported');
  assert.match(err.message(), /^spec\.usages\[0\]: Unsupported value: "flying": supported values: "any", "cert sign", "client auth"/);
});

test('csr: approval only through the approval subresource; spec is immutable', () => {
  const old = stored(runCreate(csrs, csr(goodPem), alice).obj);
  const approved = JSON.parse(JSON.stringify(old)) as KubeObject;
  approved.status = { conditions: [{ type: 'Approved', reason: 'KubectlApprove', message: 'ok' }] };
  (approved.spec as { usages: string[] }).usages = ['server auth'];

  const viaStatus = runUpdate(csrs, old, approved, 'status');
  assert.deepEqual(viaStatus.errs.map((e) => e.message()), ['status.conditions: Forbidden: updates may not add a condition of type "Approved"']);

  const viaApproval = runUpdate(csrs, old, approved, 'approval');
  assert.deepEqual(viaApproval.errs, []);
  assert.deepEqual((viaApproval.obj.spec as { usages: string[] }).usages, ['client auth']);
  assert.deepEqual((viaApproval.obj.status as { conditions: unknown[] }).conditions, [
    { type: 'Approved', reason: 'KubectlApprove', message: 'ok', status: 'True', lastUpdateTime: '2025-01-02T03:04:05Z', lastTransitionTime: '2025-01-02T03:04:05Z' },
  ]);

  const main = runUpdate(csrs, old, approved);
  assert.deepEqual(main.errs, []);
  assert.deepEqual([(main.obj.spec as { usages: string[] }).usages, main.obj.status], [['client auth'], {}]);
});

test('csr: Approved and Denied are exclusive', () => {
  const old = stored(runCreate(csrs, csr(goodPem), alice).obj);
  const both = JSON.parse(JSON.stringify(old)) as KubeObject;
  both.status = { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] };
  assert.deepEqual(runUpdate(csrs, old, both, 'approval').errs.map((e) => e.message()), ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']);
});

test('csr: field selector spec.signerName', () => {
  assert.equal(selectableFieldsFor('certificates.k8s.io', 'CertificateSigningRequest', false)(csr(goodPem))['spec.signerName'], 'kubernetes.io/kube-apiserver-client');
});
