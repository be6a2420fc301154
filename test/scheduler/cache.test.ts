// The scheduler cache kept from informer events (no HTTP, no store): per-node pods and request sums follow adds,
// updates, deletions and finished pods; assumed pods count until the binding shows up or is forgotten; pods of a
// node that is not known yet count once it appears; generations move with every change.
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { schedule } from '../../src/scheduler/framework.js';
import { node, pod, snap } from '../helpers/objects.js';

const names = (c: SchedulerCache, n: string) => c.snapshot(() => undefined).byName.get(n)!.pods.map((p) => p.metadata.name).sort();
const info = (c: SchedulerCache, n: string) => c.snapshot(() => undefined).byName.get(n)!;

describe('SchedulerCache', () => {
  it('counts bound, unfinished pods on their node with their requests', () => {
    const c = new SchedulerCache();
    c.addNode(node('n1'));
    c.addNode(node('n2'));
    c.updatePod(pod('a', { nodeName: 'n1', cpu: '500m', memory: '1Gi' }));
    c.updatePod(pod('b', { nodeName: 'n1', cpu: '250m' }));
    c.updatePod(pod('pending', { cpu: '1' }));
    expect(names(c, 'n1')).toEqual(['a', 'b']);
    expect(names(c, 'n2')).toEqual([]);
    expect(info(c, 'n1').requested).toMatchObject({ milliCPU: 750, memory: 1024 ** 3 });
    // nonZero counts 100m / 200Mi for a container without requests.
    expect(info(c, 'n1').nonZeroRequested).toMatchObject({ milliCPU: 750, memory: 1024 ** 3 + 200 * 1024 ** 2 });
    // Finished, then deleted: off the node, sums back down.
    c.updatePod(pod('b', { nodeName: 'n1', cpu: '250m', phase: 'Succeeded' }));
    expect(names(c, 'n1')).toEqual(['a']);
    expect(info(c, 'n1').requested.milliCPU).toBe(500);
    c.removePod('default/a');
    expect(info(c, 'n1')).toMatchObject({ pods: [], requested: { milliCPU: 0, memory: 0 } });
  });

  it('matches a snapshot built from scratch after a series of changes', () => {
    const c = new SchedulerCache();
    const nodes = [node('n1', { cpu: '2' }), node('n2', { cpu: '2' })];
    for (const n of nodes) c.addNode(n);
    const pods = [pod('x', { nodeName: 'n1', cpu: '1' }), pod('y', { nodeName: 'n2', cpu: '500m', labels: { app: 'y' } })];
    for (const p of pods) c.updatePod(p);
    // A label change is an update in place.
    const relabelled = pod('y', { nodeName: 'n2', cpu: '500m', labels: { app: 'z' } });
    c.updatePod(relabelled);
    const fresh = snap(nodes, [pods[0]!, relabelled]);
    for (const n of ['n1', 'n2']) {
      const a = info(c, n);
      const b = fresh.byName.get(n)!;
      expect(a.requested).toEqual(b.requested);
      expect(a.nonZeroRequested).toEqual(b.nonZeroRequested);
      expect(a.pods.map((p) => p.metadata.labels)).toEqual(b.pods.map((p) => p.metadata.labels));
    }
    // The same scheduling decision from both.
    const incoming = pod('new', { cpu: '1500m' });
    expect(schedule(incoming, c.snapshot(() => undefined)).node).toBe(schedule(incoming, fresh).node);
    expect(schedule(incoming, fresh).node).toBe('n2');
  });

  it('assumed pods count until the informer shows the binding, and can be forgotten', () => {
    const c = new SchedulerCache();
    c.addNode(node('n1', { cpu: '1' }));
    const p = pod('p', { cpu: '800m' });
    c.assume(p, 'n1');
    expect(c.isAssumed('default/p')).toBe(true);
    expect(info(c, 'n1').requested.milliCPU).toBe(800);
    // A status write of the still-pending pod (as the informer saw it) keeps the assumption.
    c.updatePod({ ...p, status: { phase: 'Pending', conditions: [] } });
    expect(info(c, 'n1').requested.milliCPU).toBe(800);
    // The second pod does not fit meanwhile.
    expect(schedule(pod('q', { cpu: '800m' }), c.snapshot(() => undefined)).node).toBeUndefined();
    c.forget('default/p');
    expect(info(c, 'n1').pods).toEqual([]);
    c.assume(p, 'n1');
    c.updatePod({ ...p, spec: { ...p.spec, nodeName: 'n1' } });
    expect(c.isAssumed('default/p')).toBe(false);
    c.forget('default/p'); // confirmed: forgetting does nothing now
    expect(names(c, 'n1')).toEqual(['p']);
  });

  it('pods of an unknown node count once the node appears; a removed node keeps them for its return', () => {
    const c = new SchedulerCache();
    c.updatePod(pod('early', { nodeName: 'late-node', cpu: '1' }));
    expect(c.snapshot(() => undefined).nodes).toEqual([]);
    c.addNode(node('late-node'));
    expect(names(c, 'late-node')).toEqual(['early']);
    c.removeNode('late-node');
    expect(c.snapshot(() => undefined).nodes).toEqual([]);
    c.addNode(node('late-node'));
    expect(info(c, 'late-node').requested.milliCPU).toBe(1000);
  });

  it('bumps the node generation on every change of its pods or of the node', () => {
    const c = new SchedulerCache();
    c.addNode(node('n1'));
    const g0 = info(c, 'n1').generation;
    c.updatePod(pod('a', { nodeName: 'n1' }));
    const g1 = info(c, 'n1').generation;
    expect(g1).toBeGreaterThan(g0);
    c.addNode(node('n1', { labels: { zone: 'a' } }));
    expect(info(c, 'n1').generation).toBeGreaterThan(g1);
    expect(info(c, 'n1').labels.zone).toBe('a');
    expect(names(c, 'n1')).toEqual(['a']);
  });

  it('keeps the pods with affinity terms apart for InterPodAffinity', () => {
    const c = new SchedulerCache();
    c.addNode(node('n1'));
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } };
    c.updatePod(pod('db', { nodeName: 'n1', labels: { app: 'db' }, spec: { affinity: anti } }));
    c.updatePod(pod('plain', { nodeName: 'n1' }));
    expect(info(c, 'n1').podsWithRequiredAntiAffinity.map((p) => p.metadata.name)).toEqual(['db']);
    expect(info(c, 'n1').podsWithAffinity.map((p) => p.metadata.name)).toEqual(['db']);
    // Another db pod is kept off n1 by the existing pod's anti-affinity.
    const r = schedule(pod('db2', { labels: { app: 'db' } }), c.snapshot(() => undefined));
    expect(r.node).toBeUndefined();
    expect(r.message).toContain("node(s) didn't satisfy existing pods anti-affinity rules");
    c.removePod('default/db');
    expect(info(c, 'n1').podsWithRequiredAntiAffinity).toEqual([]);
  });
});
