import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

describe('service ClusterIP and NodePort allocation', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster();
  });
  afterAll(() => c.stop());
  const svc = () => c.client.services;

  it('the kubernetes service holds 10.96.0.1 and points at the API server', () => {
    expect(svc().get('default', 'kubernetes')?.spec.clusterIP).toBe('10.96.0.1');
    const ep = c.client.resource('', 'v1', 'endpoints').get('default', 'kubernetes');
    expect(ep?.subsets[0].ports[0].port).toBe(c.port);
  });

  it('allocates distinct ClusterIPs from 10.96.0.0/12 and NodePorts from 30000-32767', async () => {
    const ips = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const s = await svc().create('default', { metadata: { name: `s${i}` }, spec: { type: 'NodePort', selector: { a: 'b' }, ports: [{ port: 80 }] } });
      expect(s.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
      expect(s.spec.clusterIPs).toEqual([s.spec.clusterIP]);
      expect(s.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
      expect(s.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
      ips.add(s.spec.clusterIP);
    }
    expect(ips.size).toBe(20);
  });

  it('rejects an IP or NodePort already in use with 422, and frees them on delete', async () => {
    const taken = svc().get('default', 's0')!;
    await expect(
      svc().create('default', { metadata: { name: 'dup-ip' }, spec: { clusterIP: taken.spec.clusterIP, ports: [{ port: 80 }] } }),
    ).rejects.toMatchObject({ code: 422, message: expect.stringContaining('provided IP is already allocated') });
    const port = taken.spec.ports[0].nodePort;
    await expect(
      svc().create('default', { metadata: { name: 'dup-port' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: port }] } }),
    ).rejects.toMatchObject({ code: 422, message: expect.stringContaining('provided port is already allocated') });
    await svc().delete('default', 's0');
    const again = await svc().create('default', { metadata: { name: 'reuse' }, spec: { type: 'NodePort', clusterIP: taken.spec.clusterIP, ports: [{ port: 80, nodePort: port }] } });
    expect(again.spec.clusterIP).toBe(taken.spec.clusterIP);
  });

  it('keeps the ClusterIP on update and refuses to change it', async () => {
    const s = svc().get('default', 's1')!;
    const updated = await svc().update({ ...s, spec: { ...s.spec, clusterIP: undefined, clusterIPs: undefined } });
    expect(updated.spec.clusterIP).toBe(s.spec.clusterIP);
    await expect(svc().update({ ...updated, spec: { ...updated.spec, clusterIP: '10.96.5.5' } })).rejects.toMatchObject({ code: 422 });
    const headless = await svc().create('default', { metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    expect(headless.spec.clusterIP).toBe('None');
  });
});
