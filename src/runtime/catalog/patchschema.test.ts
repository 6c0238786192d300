import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PatchSchema } from '../patch/schema.js';
import { catalogPatchSchema } from './patchschema.js';

/** Walks `a.b.c` down a schema through elem. */
function walk(schema: PatchSchema, path: string): PatchSchema {
  let s = schema;
  for (const name of path.split('.')) {
    const elem = s.field(name)?.elem;
    assert.ok(elem, `no elem at ${name}`);
    s = elem;
  }
  return s;
}

const POD_SPEC = 'k8s.io.api.core.v1.PodSpec';

const cases: { name: string; message: string; path: string; field: string; want: Record<string, unknown> }[] = [
  { name: 'PodSpec.containers merge by name', message: POD_SPEC, path: '', field: 'containers', want: { isList: true, isMap: false, patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
  { name: 'Container.ports merge by containerPort', message: 'k8s.io.api.core.v1.Container', path: '', field: 'ports', want: { isList: true, isMap: false, patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] } },
  { name: 'Container.env merge by name', message: 'k8s.io.api.core.v1.Container', path: '', field: 'env', want: { isList: true, isMap: false, patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
  { name: 'Container.args is an atomic list', message: 'k8s.io.api.core.v1.Container', path: '', field: 'args', want: { isList: true, isMap: false, patchStrategy: '', patchMergeKey: '', listType: 'atomic' } },
  { name: 'PodSpec.volumes merge,retainKeys', message: POD_SPEC, path: '', field: 'volumes', want: { isList: true, isMap: false, patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
  { name: 'metadata.finalizers merge (set)', message: 'k8s.io.api.core.v1.Pod', path: 'metadata', field: 'finalizers', want: { isList: true, isMap: false, patchStrategy: 'merge', patchMergeKey: '', listType: 'set' } },
  { name: 'metadata.labels is a map', message: 'k8s.io.api.core.v1.Pod', path: 'metadata', field: 'labels', want: { isList: false, isMap: true, patchStrategy: '', patchMergeKey: '' } },
  { name: 'Deployment.spec.template.spec.containers', message: 'k8s.io.api.apps.v1.Deployment', path: 'spec.template.spec', field: 'containers', want: { isList: true, isMap: false, patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] } },
  { name: 'Deployment.spec.strategy retainKeys', message: 'k8s.io.api.apps.v1.Deployment', path: 'spec', field: 'strategy', want: { isList: false, isMap: false, patchStrategy: 'retainKeys', patchMergeKey: '' } },
];
for (const c of cases) {
  test(`catalogPatchSchema: ${c.name}`, () => {
    const root = catalogPatchSchema(c.message);
    const s = c.path === '' ? root : walk(root, c.path);
    const meta = s.field(c.field);
    assert.ok(meta);
    const { elem: _elem, ...rest } = meta;
    assert.deepEqual(rest, c.want);
  });
}

test('Volume inline fields are visible (configMap, emptyDir) and volumeSource is not', () => {
  const volume = walk(catalogPatchSchema(POD_SPEC), 'volumes');
  assert.ok(volume.field('configMap')?.elem);
  assert.ok(volume.field('emptyDir'));
  assert.equal(volume.field('volumeSource'), undefined);
  // configMap.items: list of KeyToPath, atomic replace.
  assert.equal(volume.field('configMap')?.elem?.field('items')?.isList, true);
  assert.equal(volume.field('configMap')?.elem?.field('name')?.isList, false);
});

test('elem is the element schema of lists and the value schema of maps', () => {
  const container = walk(catalogPatchSchema(POD_SPEC), 'containers');
  assert.equal(container.field('image')?.elem, undefined);
  assert.equal(container.field('ports')?.elem?.field('containerPort')?.isList, false);
  const crdProps = walk(catalogPatchSchema('k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps'), 'properties');
  assert.equal(crdProps.field('type')?.isList, false);
});

test('special types have no elem; unknown fields and messages give undefined', () => {
  const meta = catalogPatchSchema('k8s.io.api.core.v1.Pod').field('metadata')?.elem;
  assert.equal(meta?.field('creationTimestamp')?.elem, undefined);
  assert.equal(meta?.field('nope'), undefined);
  assert.equal(catalogPatchSchema('no.such.Message').field('x'), undefined);
  assert.equal(catalogPatchSchema('k8s.io.apimachinery.pkg.apis.meta.v1.Time').field('seconds'), undefined);
});

test('schemas are cached per message', () => {
  assert.equal(catalogPatchSchema(POD_SPEC), catalogPatchSchema(POD_SPEC));
});
