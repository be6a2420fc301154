import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointsController } from '../../src/controllers/endpoints/controller.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { startHarness, type Harness } from './harness.js';

describe('endpoints and endpointslice controller', () => {
  let c: Harness;
  beforeAll(async () => {
    c = await startHarness([() => new EndpointsController()]);
  });
  afterAll(() => c.stop());

  async function pod(name: string, ip: string, ready: boolean, labels = { app: 'web' }): Promise<Obj> {
    await c.client.pods.create('default', {
      metadata: { name, labels },
      spec: { nodeName: 'node01', containers: [{ name: 'web', image: 'httpd', ports: [{ name: 'http', containerPort: 8080 }] }] },
    });
    return c.client.pods.updateStatus({
      ...c.client.pods.get('default', name)!,
      status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
  }

  it('lists ready pods as addresses and not-ready ones separately, resolving named target ports', async () => {
    await pod('web-1', '10.244.1.5', true);
    await pod('web-2', '10.244.2.7', false);
    await pod('other', '10.244.1.9', true, { app: 'other' } as never);
    await c.client.services.create('default', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } });
    const ep = await waitFor('endpoints', () => c.client.resource('', 'v1', 'endpoints').get('default', 'web'));
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].addresses.map((a: Obj) => a.ip)).toEqual(['10.244.1.5']);
    expect(ep.subsets[0].notReadyAddresses.map((a: Obj) => a.ip)).toEqual(['10.244.2.7']);
    expect(ep.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets[0].addresses[0].targetRef).toMatchObject({ kind: 'Pod', name: 'web-1' });

    const slices = c.client.resource('discovery.k8s.io', 'v1', 'endpointslices');
    const slice = await waitFor('slice', () => slices.list('default', { labelSelector: 'kubernetes.io/service-name=web' }).items[0]);
    expect(slice.addressType).toBe('IPv4');
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.ownerReferences[0]).toMatchObject({ kind: 'Service', name: 'web' });
    expect(slice.endpoints.map((e: Obj) => [e.addresses[0], e.conditions.ready])).toEqual([
      ['10.244.1.5', true],
      ['10.244.2.7', false],
    ]);
  });

  it('follows readiness changes and service deletion', async () => {
    const p = c.client.pods.get('default', 'web-2')!;
    await c.client.pods.updateStatus({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'True' }] } });
    await waitFor('both ready', () => c.client.resource('', 'v1', 'endpoints').get('default', 'web')?.subsets?.[0]?.addresses?.length === 2);
    await c.client.services.delete('default', 'web');
    await waitFor('endpoints removed', () => !c.client.resource('', 'v1', 'endpoints').get('default', 'web'));
  });
});
