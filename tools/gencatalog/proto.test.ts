import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { groupOfPackage, openapiNameOf } from './build.js';
import { generate } from './main.js';
import { markersOf, parseProto } from './proto.js';

const SAMPLE = `
/* licence
   block */
syntax = "proto2";

package k8s.io.api.sample.v1;

import "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto";

option go_package = "k8s.io/api/sample/v1";

// Widget is a thing.
// +structType=atomic
message Widget {
  // name of the widget.
  // +optional
  optional string name = 1;

  // parts, merged by name.
  // +patchMergeKey=name
  // +patchStrategy=merge,retainKeys
  // +listType=map
  // +listMapKey=name
  // +listMapKey=kind
  repeated Part parts = 2;

  // +mapType=atomic
  map<string, .k8s.io.apimachinery.pkg.apis.meta.v1.Time> stamps = 3;

  // +optional

  // (a blank line above separates this comment from the field)
  optional int32 count = 4 [default = 0];

  message Inner {
    optional bool on = 1;
  }

  oneof choice {
    string a = 5;
    int64 b = 6;
  }
  reserved 9;
}

enum Color { RED = 0; }
`;

test('parseProto reads package, imports, go_package and messages', () => {
  const f = parseProto(SAMPLE, 'sample.proto');
  assert.equal(f.syntax, 'proto2');
  assert.equal(f.package, 'k8s.io.api.sample.v1');
  assert.equal(f.goPackage, 'k8s.io/api/sample/v1');
  assert.deepEqual(f.imports, ['k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto']);
  assert.deepEqual(f.messages.map((m) => m.name), ['Widget', 'Widget.Inner']);
  assert.deepEqual(f.enums, ['Color']);
});

test('parseProto reads fields, labels, map keys and markers (values only)', () => {
  const w = parseProto(SAMPLE).messages[0];
  assert.deepEqual(w.markers, [{ name: 'structType', value: 'atomic' }]);
  const byName = new Map(w.fields.map((f) => [f.name, f]));
  assert.deepEqual(byName.get('name'), { name: 'name', number: 1, type: 'string', label: 'optional', markers: [{ name: 'optional', value: '' }] });
  const parts = byName.get('parts');
  assert.equal(parts?.label, 'repeated');
  assert.deepEqual(parts?.markers, [
    { name: 'patchMergeKey', value: 'name' },
    { name: 'patchStrategy', value: 'merge,retainKeys' },
    { name: 'listType', value: 'map' },
    { name: 'listMapKey', value: 'name' },
    { name: 'listMapKey', value: 'kind' },
  ]);
  const stamps = byName.get('stamps');
  assert.equal(stamps?.mapKey, 'string');
  assert.equal(stamps?.type, '.k8s.io.apimachinery.pkg.apis.meta.v1.Time');
  assert.deepEqual(stamps?.markers, [{ name: 'mapType', value: 'atomic' }]);
  // A blank line cuts the comment block: count's markers do not include the earlier +optional.
  assert.deepEqual(byName.get('count')?.markers, []);
  assert.equal(byName.get('a')?.label, 'optional');
  assert.equal(byName.get('b')?.type, 'int64');
});

test('markersOf ignores prose and keeps marker values', () => {
  assert.deepEqual(markersOf([' plain text', ' +listType=set', ' +k8s:optional', '+ not a marker']), [
    { name: 'listType', value: 'set' },
    { name: 'k8s:optional', value: '' },
  ]);
});

const badInputs: { name: string; src: string }[] = [
  { name: 'unterminated block comment', src: '/* open' },
  { name: 'missing field number', src: 'message A { optional string x = ; }' },
  { name: 'unexpected top-level token', src: 'bogus;' },
  { name: 'end of file inside a message', src: 'message A { optional string x = 1;' },
];
for (const c of badInputs) {
  test(`parseProto rejects ${c.name}`, () => {
    assert.throws(() => parseProto(c.src, 'bad.proto'), /bad\.proto/);
  });
}

test('openapiNameOf reverses the Go import path domain', () => {
  assert.equal(openapiNameOf('k8s.io/api/core/v1', 'ConfigMap'), 'io.k8s.api.core.v1.ConfigMap');
  assert.equal(openapiNameOf('k8s.io/apimachinery/pkg/apis/meta/v1', 'ObjectMeta'), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(
    openapiNameOf('k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1', 'JSON'),
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  );
});

const groups: [string, string | undefined, string | undefined][] = [
  ['k8s.io.api.core.v1', '', 'v1'],
  ['k8s.io.api.rbac.v1', 'rbac.authorization.k8s.io', 'v1'],
  ['k8s.io.api.flowcontrol.v1', 'flowcontrol.apiserver.k8s.io', 'v1'],
  ['k8s.io.api.apiserverinternal.v1alpha1', 'internal.apiserver.k8s.io', 'v1alpha1'],
  ['k8s.io.api.storagemigration.v1alpha1', 'storagemigration.k8s.io', 'v1alpha1'],
  ['k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1', 'apiextensions.k8s.io', 'v1'],
  ['k8s.io.kube_aggregator.pkg.apis.apiregistration.v1beta1', 'apiregistration.k8s.io', 'v1beta1'],
  ['k8s.io.apimachinery.pkg.apis.meta.v1', 'meta.k8s.io', 'v1'],
  ['k8s.io.apimachinery.pkg.runtime', undefined, undefined],
  ['k8s.io.apimachinery.pkg.util.intstr', undefined, undefined],
];
for (const [pkg, group, version] of groups) {
  test(`groupOfPackage ${pkg}`, () => {
    const gv = groupOfPackage(pkg);
    assert.equal(gv?.group, group);
    assert.equal(gv?.version, version);
  });
}

test('groupOfPackage refuses an API package with no known group', () => {
  assert.throws(() => groupOfPackage('k8s.io.api.newthing.v1'), /no API group known for "newthing"/);
});

/** Repository root (dist/tools/gencatalog → ../../..). */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const source = join(root, '..', 'shared', 'kubernetes-api', 'v1.33');

test('catalog/types.json is what the generator produces from the v1.33 protos', { skip: !existsSync(source) && 'shared/kubernetes-api not present' }, () => {
  const committed = readFileSync(join(root, 'catalog', 'types.json'), 'utf8');
  const text = generate(source);
  assert.ok(text === committed, 'catalog/types.json is out of date: run npx tsc -p . && node dist/tools/gencatalog/main.js');
  // Deterministic: a second run gives the same bytes.
  assert.equal(generate(source), text);
});
