// InterPodAffinity: required affinity / anti-affinity (own and existing pods'), namespaces, and preferred scores.
import { describe, expect, it } from 'vitest';
import { filterNodes, scoreNodes } from '../../src/scheduler/framework.js';
import { interPodAffinity, interPodAffinityScore } from '../../src/scheduler/plugins/inter-pod-affinity.js';
import { node, pod, snap } from '../helpers/objects.js';

type Obj = Record<string, any>;
const zoneNodes = [
  node('a1', { labels: { zone: 'a' } }),
  node('a2', { labels: { zone: 'a' } }),
  node('b1', { labels: { zone: 'b' } }),
  node('nozone'),
];
const term = (labels: Obj, topologyKey: string, extra: Obj = {}) => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });
const withAffinity = (kind: 'podAffinity' | 'podAntiAffinity', terms: Obj[], o: Obj = {}) =>
  pod(o.name ?? 'p', { labels: o.labels, ns: o.ns, spec: { affinity: { [kind]: { requiredDuringSchedulingIgnoredDuringExecution: terms } } } });
const feasible = (p: Obj, pods: Obj[], nsLabels = {}) => filterNodes(p, snap(zoneNodes, pods, nsLabels), [interPodAffinity]);

describe('required pod affinity', () => {
  it('places the pod in the topology domain of a matching pod', () => {
    const r = feasible(withAffinity('podAffinity', [term({ app: 'db' }, 'zone')]), [pod('db', { labels: { app: 'db' }, nodeName: 'a2' })]);
    expect(r.feasible.map((n) => n.name)).toEqual(['a1', 'a2']);
    expect(r.statuses.get('b1')).toMatchObject({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match pod affinity rules"] });
    expect(r.statuses.get('nozone')?.reasons).toEqual(["node(s) didn't match pod affinity rules"]);
  });

  it('lets the first pod of a self-affine group go to any node with the topology label', () => {
    const r = feasible(withAffinity('podAffinity', [term({ app: 'web' }, 'zone')], { labels: { app: 'web' } }), []);
    expect(r.feasible.map((n) => n.name)).toEqual(['a1', 'a2', 'b1']);
  });

  it('only counts pods of the term namespaces (own namespace by default, or a namespaceSelector)', () => {
    const other = pod('db', { ns: 'other', labels: { app: 'db' }, nodeName: 'b1' });
    expect(feasible(withAffinity('podAffinity', [term({ app: 'db' }, 'zone')]), [other]).feasible).toEqual([]);
    const viaList = withAffinity('podAffinity', [term({ app: 'db' }, 'zone', { namespaces: ['other'] })]);
    expect(feasible(viaList, [other]).feasible.map((n) => n.name)).toEqual(['b1']);
    const viaSelector = withAffinity('podAffinity', [term({ app: 'db' }, 'zone', { namespaceSelector: { matchLabels: { team: 'x' } } })]);
    expect(feasible(viaSelector, [other], { other: { team: 'x' } }).feasible.map((n) => n.name)).toEqual(['b1']);
  });
});

describe('required pod anti-affinity', () => {
  it('keeps the pod out of domains with matching pods', () => {
    const p = withAffinity('podAntiAffinity', [term({ app: 'web' }, 'kubernetes.io/hostname')], { labels: { app: 'web' } });
    const r = feasible(p, [pod('w1', { labels: { app: 'web' }, nodeName: 'a1' })]);
    expect(r.feasible.map((n) => n.name)).toEqual(['a2', 'b1', 'nozone']);
    expect(r.statuses.get('a1')).toMatchObject({ code: 'Unschedulable', reasons: ["node(s) didn't match pod anti-affinity rules"] });
  });

  it("honours existing pods' anti-affinity against the incoming pod (symmetry)", () => {
    const guard = { ...withAffinity('podAntiAffinity', [term({ app: 'noisy' }, 'zone')], { name: 'guard' }), spec: undefined as any };
    guard.spec = { ...withAffinity('podAntiAffinity', [term({ app: 'noisy' }, 'zone')]).spec, nodeName: 'a1' };
    const r = feasible(pod('n', { labels: { app: 'noisy' } }), [guard]);
    expect(r.feasible.map((n) => n.name)).toEqual(['b1', 'nozone']);
    expect(r.statuses.get('a2')?.reasons).toEqual(["node(s) didn't satisfy existing pods anti-affinity rules"]);
  });
});

describe('preferred pod affinity score', () => {
  it('adds weights for preferred affinity and subtracts them for anti-affinity, per topology domain', () => {
    const p = pod('p', {
      spec: {
        affinity: {
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term({ app: 'cache' }, 'zone') }] },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term({ app: 'p' }, 'kubernetes.io/hostname') }] },
        },
      },
    });
    const s = snap(zoneNodes, [pod('cache', { labels: { app: 'cache' }, nodeName: 'a1' }), pod('twin', { labels: { app: 'p' }, nodeName: 'a2' })]);
    const scores = Object.fromEntries(scoreNodes(p, s.nodes, s, [{ ...interPodAffinityScore, weight: 1 }]));
    expect(scores.a1).toBe(100);
    expect(scores.a2).toBe(0);
    expect(scores.b1).toBeGreaterThan(scores.a2);
    expect(scores.b1).toBeLessThan(scores.a1);
  });
});
