import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GarbageCollector } from '../../src/controllers/garbagecollector/controller.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { startHarness, type Harness } from './harness.js';

function ownedBy(owner: Obj, block = true): Obj {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: block,
  };
}

describe('garbage collector', () => {
  let c: Harness;
  beforeAll(async () => {
    c = await startHarness([() => new GarbageCollector()]);
  });
  afterAll(() => c.stop());

  const rs = () => c.client.replicasets;
  const cm = () => c.client.resource('', 'v1', 'configmaps');
  const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'httpd' }] } };

  async function owner(name: string): Promise<Obj> {
    return rs().create('default', { metadata: { name }, spec: { replicas: 0, selector: { matchLabels: { app: 'x' } }, template } });
  }

  it('background: dependents of a deleted owner are deleted', async () => {
    const o = await owner('bg');
    await cm().create('default', { metadata: { name: 'bg-1', ownerReferences: [ownedBy(o)] } });
    await cm().create('default', { metadata: { name: 'bg-2', ownerReferences: [ownedBy(o)] } });
    await rs().delete('default', 'bg', { propagationPolicy: 'Background' });
    await waitFor('dependents gone', () => !cm().get('default', 'bg-1') && !cm().get('default', 'bg-2'));
  });

  it('an object whose owner never existed is collected; one with a live second owner only loses the dangling ref', async () => {
    const live = await owner('live');
    const ghost = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' };
    await cm().create('default', { metadata: { name: 'orphaned', ownerReferences: [ghost] } });
    await cm().create('default', { metadata: { name: 'two-owners', ownerReferences: [ghost, { ...ownedBy(live), controller: false }] } });
    await waitFor('orphaned collected', () => !cm().get('default', 'orphaned'));
    const kept = await waitFor('dangling ref removed', () => {
      const o = cm().get('default', 'two-owners');
      return o?.metadata.ownerReferences?.length === 1 ? o : undefined;
    });
    expect(kept.metadata.ownerReferences[0].uid).toBe(live.metadata.uid);
  });

  it('foreground: the owner stays (with deletionTimestamp) until blocking dependents are gone', async () => {
    const o = await owner('fg');
    // The dependent is held by its own finalizer, so the owner must wait.
    await cm().create('default', { metadata: { name: 'fg-1', finalizers: ['example.com/hold'], ownerReferences: [ownedBy(o)] } });
    await rs().delete('default', 'fg', { propagationPolicy: 'Foreground' });
    const deleting = rs().get('default', 'fg');
    expect(deleting?.metadata.deletionTimestamp).toBeTruthy();
    expect(deleting?.metadata.finalizers).toContain('foregroundDeletion');
    await waitFor('dependent marked', () => cm().get('default', 'fg-1')?.metadata.deletionTimestamp);
    expect(rs().get('default', 'fg')).toBeDefined();
    await cm().patch('default', 'fg-1', 'merge', { metadata: { finalizers: null } });
    await waitFor('owner gone after dependent', () => !rs().get('default', 'fg'));
  });

  it('foreground: a dependent with dependents of its own is deleted in the foreground, a leaf in the background', async () => {
    // Deployment → ReplicaSet → pod, like `kubectl delete deploy --cascade=foreground`.
    const top = await c.client.deployments.create('default', {
      metadata: { name: 'tree' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'x' } }, template },
    });
    const mid = await rs().create('default', {
      metadata: { name: 'tree-rs', ownerReferences: [ownedBy(top)] },
      spec: { replicas: 0, selector: { matchLabels: { app: 'x' } }, template },
    });
    // The leaf holds on with its own finalizer, so the states in between can be looked at.
    await cm().create('default', { metadata: { name: 'tree-leaf', finalizers: ['example.com/hold'], ownerReferences: [ownedBy(mid)] } });
    const leafOfTop = await cm().create('default', { metadata: { name: 'tree-leaf-top', finalizers: ['example.com/hold'], ownerReferences: [ownedBy(top)] } });
    await c.client.deployments.delete('default', 'tree', { propagationPolicy: 'Foreground' });
    const midDeleting = await waitFor('rs marked', () => rs().get('default', 'tree-rs')?.metadata.deletionTimestamp && rs().get('default', 'tree-rs'));
    expect(midDeleting.metadata.finalizers).toEqual(['foregroundDeletion']);
    const leaf = await waitFor('leaf marked', () => cm().get('default', 'tree-leaf')?.metadata.deletionTimestamp && cm().get('default', 'tree-leaf'));
    expect(leaf.metadata.finalizers).toEqual(['example.com/hold']); // no foregroundDeletion: it has no dependents
    const leafTop = await waitFor('leaf of top marked', () => cm().get('default', 'tree-leaf-top')?.metadata.deletionTimestamp && cm().get('default', 'tree-leaf-top'));
    expect(leafTop.metadata.finalizers).toEqual(['example.com/hold']);
    expect(leafTop.metadata.uid).toBe(leafOfTop.metadata.uid);
    expect(c.client.deployments.get('default', 'tree')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    for (const n of ['tree-leaf', 'tree-leaf-top']) await cm().patch('default', n, 'merge', { metadata: { finalizers: null } });
    await waitFor('all gone', () => !c.client.deployments.get('default', 'tree') && !rs().get('default', 'tree-rs'));
  });

  it('foreground: a dependent with another, live owner is released, not deleted', async () => {
    const going = await owner('going');
    const staying = await owner('staying');
    await cm().create('default', { metadata: { name: 'shared', ownerReferences: [ownedBy(going), { ...ownedBy(staying), controller: false }] } });
    await rs().delete('default', 'going', { propagationPolicy: 'Foreground' });
    await waitFor('owner gone', () => !rs().get('default', 'going'));
    const kept = cm().get('default', 'shared')!;
    expect(kept.metadata.deletionTimestamp).toBeUndefined();
    expect(kept.metadata.ownerReferences.map((r: Obj) => r.name)).toEqual(['staying']);
  });

  it('orphan: dependents lose the owner reference and survive', async () => {
    const o = await owner('or');
    await cm().create('default', { metadata: { name: 'or-1', ownerReferences: [ownedBy(o)] } });
    await rs().delete('default', 'or', { propagationPolicy: 'Orphan' });
    await waitFor('owner gone', () => !rs().get('default', 'or'));
    const dep = cm().get('default', 'or-1');
    expect(dep).toBeDefined();
    expect(dep?.metadata.ownerReferences).toBeUndefined();
  });
});
