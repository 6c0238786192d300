import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionEnvironment, environmentWithVariables } from './environment.js';
import { compileExpression, type CompiledExpression } from './compile.js';
import { CelCostError, CostBudget, celLimits } from './cost.js';
import { buildActivation } from './activation.js';
import { compileMatchConditions, evaluateMatchConditions } from './matchconditions.js';
import { CelAuthorizer } from './library/authz.js';
import type { Authorizer } from '../../authz/interfaces.js';

const env = admissionEnvironment({ hasParams: true, hasAuthorizer: true });

function program(expression: string, returnTypes: string[] = ['dyn']): CompiledExpression {
  const r = compileExpression(env, expression, returnTypes);
  if (!r.ok) throw new Error(r.error.detail);
  return r.program;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' } },
  spec: { replicas: 7, template: { spec: { containers: [{ name: 'c', image: 'nginx:1.25', resources: { limits: { memory: '512Mi' } } }] } } },
};

const activation = buildActivation({
  object: deployment,
  oldObject: null,
  request: { operation: 'CREATE', name: 'web', namespace: 'prod', userInfo: { username: 'alice' } },
  namespaceObject: { metadata: { name: 'prod', labels: { env: 'prod' } } },
  params: { apiVersion: 'v1', kind: 'ConfigMap', data: { maxReplicas: '5' } },
});

const evalCases: { name: string; expr: string; want: unknown }[] = [
  { name: 'integral numbers are ints', expr: 'object.spec.replicas > 5', want: true },
  { name: 'int arithmetic', expr: 'object.spec.replicas + 1', want: 8n },
  { name: 'params and int()', expr: 'object.spec.replicas <= int(params.data.maxReplicas)', want: false },
  { name: 'namespaceObject labels', expr: 'namespaceObject.metadata.labels.env == "prod"', want: true },
  { name: 'request fields', expr: 'request.operation == "CREATE" && request.userInfo.username == "alice"', want: true },
  { name: 'has() on absent field', expr: 'has(object.spec.paused)', want: false },
  { name: 'macros', expr: 'object.spec.template.spec.containers.all(c, c.image.startsWith("nginx"))', want: true },
  { name: 'optional chaining', expr: 'object.spec.?strategy.?type.orValue("RollingUpdate")', want: 'RollingUpdate' },
  { name: 'oldObject is null on create', expr: 'oldObject == null', want: true },
  { name: 'quantity compare', expr: 'quantity(object.spec.template.spec.containers[0].resources.limits.memory).isLessThan(quantity("1Gi"))', want: true },
  { name: 'quantity equality across units', expr: 'quantity("1") == quantity("1000m")', want: true },
  { name: 'quantity asInteger', expr: 'quantity("2k").asInteger()', want: 2000n },
  { name: 'quantity add', expr: 'quantity("1").add(quantity("500m")).compareTo(quantity("1500m"))', want: 0n },
  { name: 'isQuantity', expr: 'isQuantity("1Ki") && !isQuantity("1Kb")', want: true },
  { name: 'url parts', expr: 'url("https://example.com:8443/a/b?x=1&x=2").getPort() == "8443" && url("https://example.com:8443/a/b?x=1").getHostname() == "example.com"', want: true },
  { name: 'url query', expr: 'url("https://e.com/p?x=1&x=2").getQuery()["x"]', want: ['1', '2'] },
  { name: 'isURL', expr: 'isURL("/relative/path") && !isURL("not a url")', want: true },
  { name: 'ip family', expr: 'ip("10.0.0.1").family()', want: 4n },
  { name: 'ip canonical', expr: 'ip.isCanonical("2001:db8::1") && !ip.isCanonical("2001:DB8::1")', want: true },
  { name: 'ip predicates', expr: 'ip("127.0.0.1").isLoopback() && ip("169.254.1.1").isLinkLocalUnicast() && ip("8.8.8.8").isGlobalUnicast()', want: true },
  { name: 'isIP rejects leading zeros', expr: 'isIP("010.0.0.1")', want: false },
  { name: 'cidr contains', expr: 'cidr("10.0.0.0/8").containsIP("10.1.2.3") && !cidr("10.0.0.0/8").containsIP(ip("11.0.0.1"))', want: true },
  { name: 'cidr masked', expr: 'string(cidr("10.1.2.3/8").masked())', want: '10.0.0.0/8' },
  { name: 'cidr containsCIDR', expr: 'cidr("10.0.0.0/8").containsCIDR("10.1.0.0/16")', want: true },
  { name: 'lists isSorted', expr: '[1, 2, 3].isSorted() && !["b", "a"].isSorted()', want: true },
  { name: 'lists sum', expr: '[1, 2, 3].sum()', want: 6n },
  { name: 'lists min and max', expr: '[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3', want: true },
  { name: 'lists indexOf', expr: '["a", "b", "a"].lastIndexOf("a")', want: 2n },
  { name: 'regex find', expr: '"abc 123 def 456".find("[0-9]+")', want: '123' },
  { name: 'regex findAll limit', expr: '"abc 123 def 456".findAll("[0-9]+", 1)', want: ['123'] },
  { name: 'strings replace', expr: '"a-b-c".replace("-", "_", 1)', want: 'a_b-c' },
  { name: 'strings charAt and reverse', expr: '"héllo".charAt(1) + "abc".reverse()', want: 'écba' },
  { name: 'strings format', expr: '"%s has %d replicas".format([object.metadata.name, object.spec.replicas])', want: 'web has 7 replicas' },
  { name: 'strings quote', expr: 'strings.quote("a\\"b")', want: '"a\\"b"' },
  { name: 'sets', expr: 'sets.contains([1, 2, 3], [1, 3]) && sets.intersects([1], [1, 4]) && !sets.equivalent([1], [1, 2])', want: true },
  { name: 'base64', expr: 'base64.encode(b"hi")', want: 'aGk=' },
];

for (const c of evalCases) {
  test(`evaluate: ${c.name}`, async () => {
    assert.deepEqual(await program(c.expr).evaluate(activation, new CostBudget()), c.want);
  });
}

const errorCases: { name: string; expr: string; want: RegExp }[] = [
  { name: 'missing key', expr: 'object.spec.paused', want: /^no such key: paused$/ },
  { name: 'bad quantity', expr: 'quantity("12Mm")', want: /unable to parse quantity's suffix/ },
  { name: 'bad ip', expr: 'ip("300.0.0.1")', want: /parse error during conversion from string/ },
  { name: 'min of empty list', expr: '[].min()', want: /^min called on empty list$/ },
];

for (const c of errorCases) {
  test(`evaluation error: ${c.name}`, async () => {
    await assert.rejects(program(c.expr).evaluate(activation, new CostBudget()), (err: Error) => {
      assert.match(err.message, c.want);
      return true;
    });
  });
}

const compileCases: { name: string; expr: string; types: string[]; want: RegExp }[] = [
  { name: 'undeclared reference', expr: 'objec.spec', types: ['bool'], want: /^ERROR: <input>:1:1: undeclared reference to 'objec' \(in container ''\)\n \| objec\.spec\n \| \^$/ },
  { name: 'syntax error', expr: 'object.spec.replicas >', types: ['bool'], want: /^ERROR: <input>:1:\d+: Syntax error: / },
  { name: 'wrong result type', expr: '"a"', types: ['bool'], want: /^must evaluate to bool$/ },
  { name: 'operator overload', expr: '1 + "a"', types: ['dyn'], want: /found no matching overload for '_\+_' applied to '\(int, string\)'/ },
];

for (const c of compileCases) {
  test(`compile error: ${c.name}`, () => {
    const r = compileExpression(env, c.expr, c.types);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error.detail, c.want);
  });
}

test('params are undeclared without a paramKind', () => {
  const r = compileExpression(admissionEnvironment({ hasParams: false, hasAuthorizer: false }), 'params.x == 1', ['bool']);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.detail, /undeclared reference to 'params'/);
});

test('variables: declared fields compile, undeclared ones do not', () => {
  const venv = environmentWithVariables({ hasParams: false, hasAuthorizer: false }, { replicas: 'int' });
  assert.equal(compileExpression(venv, 'variables.replicas > 1', ['bool']).ok, true);
  const r = compileExpression(venv, 'variables.other > 1', ['bool']);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.detail, /undefined field 'other'/);
});

test('a runaway expression is cancelled at the per-call cost limit', async () => {
  const big = buildActivation({ object: { items: Array.from({ length: 200 }, (_, i) => i) }, oldObject: null, request: {} });
  const p = program('object.items.map(x, object.items.map(y, object.items.map(z, x + y + z))).size() > 0', ['bool']);
  const started = Date.now();
  await assert.rejects(p.evaluate(big, new CostBudget()), (err: Error) => {
    assert.ok(err instanceof CelCostError);
    assert.equal(err.message, 'operation cancelled: actual cost limit exceeded');
    return true;
  });
  assert.ok(Date.now() - started < 5000, 'cancelled promptly');
});

test('the budget of a group of expressions runs out', async () => {
  const saved = celLimits.perCallLimit;
  const p = program('[1, 2, 3].map(x, x * 2).size() == 3', ['bool']);
  const budget = new CostBudget(30);
  try {
    assert.equal(await p.evaluate(activation, budget), true);
    await assert.rejects(p.evaluate(activation, budget), (err: Error) => {
      assert.ok(err instanceof CelCostError);
      assert.equal(err.kind, 'budget');
      assert.equal(err.message, 'validation failed due to running out of cost budget, no further validation rules will be run');
      return true;
    });
  } finally {
    celLimits.perCallLimit = saved;
  }
});

test('authorizer checks reach the authorizer with the request user', async () => {
  const seen: string[] = [];
  const authorizer: Authorizer = {
    authorize: (a) => {
      seen.push(`${a.user.name} ${a.verb} ${a.apiGroup}/${a.resource} ${a.namespace}/${a.name}`);
      return a.verb === 'get' ? { decision: 'Allow', reason: 'ok' } : { decision: 'NoOpinion', reason: 'no' };
    },
  };
  const authz = new CelAuthorizer(authorizer, { name: 'alice', uid: '1', groups: ['dev'], extra: {} }, { group: 'apps', version: 'v1', resource: 'deployments', subresource: '', namespace: 'prod', name: 'web' });
  const act = buildActivation({ object: null, oldObject: null, request: {}, authorizer: authz });
  assert.equal(await program('authorizer.group("apps").resource("deployments").namespace("prod").name("web").check("get").allowed()').evaluate(act, new CostBudget()), true);
  assert.equal(await program('authorizer.requestResource.check("delete").reason()').evaluate(act, new CostBudget()), 'no');
  assert.equal(await program('authorizer.serviceAccount("ns", "sa").group("").resource("pods").check("get").allowed()').evaluate(act, new CostBudget()), true);
  assert.deepEqual(seen, ['alice get apps/deployments prod/web', 'alice delete apps/deployments prod/web', 'system:serviceaccount:ns:sa get /pods /']);
});

test('match conditions: false skips, errors follow the failure policy', async () => {
  const menv = admissionEnvironment({ hasParams: false, hasAuthorizer: true });
  const skip = compileMatchConditions(menv, [
    { name: 'bad', expression: 'object.nope == 1' },
    { name: 'no', expression: 'object.spec.replicas < 2' },
  ]);
  assert.deepEqual(await evaluateMatchConditions(skip, activation, 'Fail'), { matches: false, failedConditionName: 'no' });
  const broken = compileMatchConditions(menv, [{ name: 'bad', expression: 'object.nope == 1' }, { name: 'yes', expression: 'true' }]);
  assert.deepEqual(await evaluateMatchConditions(broken, activation, 'Fail'), { matches: false, error: "expression 'object.nope == 1' resulted in error: no such key: nope" });
  assert.deepEqual(await evaluateMatchConditions(broken, activation, 'Ignore'), { matches: false });
  const ok = compileMatchConditions(menv, [{ name: 'yes', expression: 'object.metadata.name == "web"' }]);
  assert.deepEqual(await evaluateMatchConditions(ok, activation, 'Fail'), { matches: true });
});
