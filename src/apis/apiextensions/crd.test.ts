import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../runtime/object.js';
import { strategyFor } from '../index.js';
import { runCreate, runUpdate, stored } from '../testing.js';
import { setNowForTesting } from '../core/storage.js';

setNowForTesting(() => '2025-01-02T03:04:05Z');
const crds = strategyFor('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', false);
const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } };

function crd(spec: Record<string, unknown> = {}, name = 'widgets.example.com'): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema }], ...spec },
  };
}

test('crd: defaults, stored versions and accepted names', () => {
  const { obj, errs } = runCreate(crds, crd());
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual(spec.names, { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' });
  assert.deepEqual(spec.conversion, { strategy: 'None' });
  assert.deepEqual(obj.status, {
    storedVersions: ['v1'],
    acceptedNames: { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' },
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2025-01-02T03:04:05Z', reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: '2025-01-02T03:04:05Z', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
  });
  assert.equal(obj.metadata?.generation, 1);
});

const cases: { name: string; obj: KubeObject; want: string[] }[] = [
  { name: 'name must be plural.group', obj: crd({}, 'widget.example.com'), want: ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'] },
  { name: 'group needs a dot', obj: crd({ group: 'example' }, 'widgets.example'), want: ['spec.group: Invalid value: "example": should be a domain with at least one dot'] },
  { name: 'scope', obj: crd({ scope: 'Global' }), want: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'] },
  {
    name: 'no storage version',
    obj: crd({ versions: [{ name: 'v1', served: true, storage: false, schema }] }),
    want: [
      'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:false, ...}}: must have exactly one version marked as storage version',
      'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
    ],
  },
  { name: 'schema required', obj: crd({ versions: [{ name: 'v1', served: true, storage: true }] }), want: ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required'] },
  {
    name: 'structural root type',
    obj: crd({ versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { properties: { spec: { type: 'object' } } } } }] }),
    want: ['spec.versions[0].schema.openAPIV3Schema.type: Required value: must not be empty at the root'],
  },
  {
    name: 'field without type',
    obj: crd({ versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } } }] }),
    want: ['spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'],
  },
  {
    name: 'kind naming',
    obj: crd({ names: { plural: 'widgets', kind: 'Wid get' } }),
    want: [
      "spec.names.kind: Invalid value: \"Wid get\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.names.listKind: Invalid value: \"Wid getList\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.names.singular: Invalid value: \"wid get\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "status.acceptedNames.singular: Invalid value: \"wid get\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "status.acceptedNames.kind: Invalid value: \"Wid get\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "status.acceptedNames.listKind: Invalid value: \"Wid getList\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ],
  },
  {
    name: 'webhook conversion needs a client config',
    obj: crd({ conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'] } } }),
    want: ['spec.conversion.webhook.clientConfig: Required value: required when strategy is set to Webhook'],
  },
];

for (const c of cases) {
  test(`crd: ${c.name}`, () => assert.deepEqual(runCreate(crds, c.obj).errs.map((e) => e.message()).sort(), [...c.want].sort()));
}

test('crd: group and plural are immutable; scope is once established; new storage versions are recorded', () => {
  const old = stored(runCreate(crds, crd()).obj);
  const next = JSON.parse(JSON.stringify(old)) as KubeObject;
  (next.spec as Record<string, unknown>).scope = 'Cluster';
  assert.deepEqual(runUpdate(crds, old, next).errs.map((e) => e.message()), ['spec.scope: Invalid value: "Cluster": field is immutable']);
  const v2 = JSON.parse(JSON.stringify(old)) as KubeObject;
  (v2.spec as Record<string, unknown>).versions = [
    { name: 'v1', served: true, storage: false, schema },
    { name: 'v2', served: true, storage: true, schema },
  ];
  const upd = runUpdate(crds, old, v2);
  assert.deepEqual(upd.errs, []);
  assert.deepEqual((upd.obj.status as { storedVersions: string[] }).storedVersions, ['v1', 'v2']);
  assert.equal(upd.obj.metadata?.generation, 2);
});
