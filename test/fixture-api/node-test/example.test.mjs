// kubesim under node's own test runner (no vitest): `npm run build && node --test test/fixture-api/node-test/`.
// It imports the package by its name, as a user's test would (Node resolves a package's own name to its exports,
// i.e. dist/). test/fixture-api/cli.test.ts runs it after building.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createCluster } from 'kubesim';

let cluster;
before(async () => {
  cluster = await createCluster({ clock: 'virtual' });
});
after(() => cluster.close());

const ready = async (name) => {
  const node = await (await fetch(`${cluster.url}/api/v1/nodes/${name}`)).json();
  return node.status.conditions.find((c) => c.type === 'Ready').status;
};

test('a node goes NotReady once its kubelet has been silent for the grace period', async () => {
  await cluster.clock.advance('30s');
  assert.equal(await ready('node01'), 'True');
  const res = await fetch(`${cluster.url}/api/v1/nodes/node01`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ metadata: { annotations: { 'kubesim.io/kubelet': 'stopped' } } }),
  });
  assert.equal(res.status, 200);
  await cluster.clock.advance('1m');
  assert.equal(await ready('node01'), 'Unknown');
  assert.equal(await ready('node02'), 'True');
});
