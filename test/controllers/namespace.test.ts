import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NamespaceController } from '../../src/controllers/namespace/controller.js';
import { ServiceAccountController } from '../../src/controllers/serviceaccount/controller.js';
import { waitFor } from '../helpers/wait.js';
import { startHarness, type Harness } from './harness.js';

describe('namespace and serviceaccount controllers', () => {
  let c: Harness;
  beforeAll(async () => {
    c = await startHarness([() => new NamespaceController(), () => new ServiceAccountController()]);
  });
  afterAll(() => c.stop());

  it('gives every active namespace a default ServiceAccount and kube-root-ca.crt, and recreates them', async () => {
    await c.client.namespaces.create(undefined, { metadata: { name: 'team-a' } });
    const sa = c.client.resource('', 'v1', 'serviceaccounts');
    const cm = c.client.resource('', 'v1', 'configmaps');
    await waitFor('default SA', () => sa.get('team-a', 'default'));
    const ca = await waitFor('root CA', () => cm.get('team-a', 'kube-root-ca.crt'));
    expect(ca.data['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // The system namespaces get them too.
    await waitFor('kube-system default SA', () => sa.get('kube-system', 'default'));
    await sa.delete('team-a', 'default');
    await waitFor('recreated SA', () => sa.get('team-a', 'default'));
  });

  it('empties a deleted namespace, reports Terminating with conditions, then removes it', async () => {
    await c.client.namespaces.create(undefined, { metadata: { name: 'doomed' } });
    const cm = c.client.resource('', 'v1', 'configmaps');
    // A finalizer keeps one object (and so the namespace) around until it is removed.
    await cm.create('doomed', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await cm.create('doomed', { metadata: { name: 'plain' } });
    await c.client.namespaces.delete(undefined, 'doomed');
    const terminating = await waitFor('content remaining condition', () => {
      const ns = c.client.namespaces.get(undefined, 'doomed');
      const cond = ns?.status?.conditions?.find((x: { type: string }) => x.type === 'NamespaceContentRemaining');
      return cond?.status === 'True' ? ns : undefined;
    });
    expect(terminating.status.phase).toBe('Terminating');
    await waitFor('plain configmap deleted', () => !cm.get('doomed', 'plain'));
    expect(c.client.namespaces.get(undefined, 'doomed')).toBeDefined();
    await cm.patch('doomed', 'held', 'merge', { metadata: { finalizers: null } });
    await waitFor('namespace gone', () => !c.client.namespaces.get(undefined, 'doomed'));
    // New content is refused while a namespace terminates (checked on a fresh one).
    await c.client.namespaces.create(undefined, { metadata: { name: 'closing' } });
    await cm.create('closing', { metadata: { name: 'stay', finalizers: ['example.com/hold'] } });
    await c.client.namespaces.delete(undefined, 'closing');
    await expect(cm.create('closing', { metadata: { name: 'late' } })).rejects.toMatchObject({ code: 403 });
    await cm.patch('closing', 'stay', 'merge', { metadata: { finalizers: null } });
    await waitFor('closing gone', () => !c.client.namespaces.get(undefined, 'closing'));
  });
});
