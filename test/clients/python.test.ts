/**
 * Debian's python3-kubernetes (22.6, run with Debian's /usr/bin/python3)
 * against a real kapi: version, list, create, patch and watch. It sends
 * `watch=True` and `/version/`, which the server must accept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startKapi, type KapiProcess } from '../support/server.js';

let kapi: KapiProcess;

before(async () => {
  kapi = await startKapi();
});

after(async () => {
  await kapi?.stop();
});

const script = String.raw`
import json, sys, threading
from kubernetes import client, config, watch
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
out = {}
out["version"] = client.VersionApi().get_code().minor
out["namespaces"] = sorted(n.metadata.name for n in v1.list_namespace().items)
v1.create_namespaced_config_map("default", {"metadata": {"name": "py"}, "data": {"a": "1"}})
rv = v1.list_namespaced_config_map("default").metadata.resource_version
def later():
    v1.patch_namespaced_config_map("py", "default", {"data": {"b": "2"}})
    v1.delete_namespaced_config_map("py", "default")
threading.Timer(0.5, later).start()
events = []
w = watch.Watch()
for ev in w.stream(v1.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=10):
    events.append(ev["type"] + ":" + ev["object"].metadata.name)
    if len(events) == 2:
        w.stop()
out["events"] = events
print(json.dumps(out))
`;

test('the Python client lists and watches', () => {
  const r = spawnSync('/usr/bin/python3', ['-c', script, kapi.kubeconfig], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  assert.equal(out.version, '33');
  assert.ok(out.namespaces.includes('kube-system'));
  assert.deepEqual(out.events, ['MODIFIED:py', 'DELETED:py']);
});
