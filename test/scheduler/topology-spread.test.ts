// PodTopologySpread: DoNotSchedule constraints filter by skew, ScheduleAnyway and the system defaults score.
import { describe, expect, it } from 'vitest';
import { filterNodes, schedule, scoreNodes } from '../../src/scheduler/framework.js';
import { podTopologySpread, podTopologySpreadScore } from '../../src/scheduler/plugins/topology-spread.js';
import { node, pod, snap } from '../helpers/objects.js';

type Obj = Record<string, any>;
const nodes = [node('a1', { labels: { zone: 'a' } }), node('a2', { labels: { zone: 'a' } }), node('b1', { labels: { zone: 'b' } })];
const spread = (maxSkew: number, topologyKey: string, whenUnsatisfiable = 'DoNotSchedule', extra: Obj = {}) => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
});
const web = (name: string, nodeName?: string, constraints: Obj[] = []) =>
  pod(name, { labels: { app: 'web' }, nodeName, spec: constraints.length ? { topologySpreadConstraints: constraints } : {} });

describe('PodTopologySpread filter', () => {
  it('rejects domains that would exceed maxSkew', () => {
    const existing = [web('w1', 'a1'), web('w2', 'a2')];
    const r = filterNodes(web('new', undefined, [spread(1, 'zone')]), snap(nodes, existing), [podTopologySpread]);
    expect(r.feasible.map((n) => n.name)).toEqual(['b1']);
    expect(r.statuses.get('a1')).toMatchObject({ code: 'Unschedulable', reasons: ["node(s) didn't match pod topology spread constraints"] });
  });

  it('rejects nodes missing the topology label as unresolvable', () => {
    const r = filterNodes(web('new', undefined, [spread(1, 'zone')]), snap([...nodes, node('plain')]), [podTopologySpread]);
    expect(r.statuses.get('plain')).toMatchObject({
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"],
    });
  });

  it('counts only nodes that pass the pod node affinity (nodeAffinityPolicy Honor, the default)', () => {
    const existing = [web('w1', 'a1'), web('w2', 'a2')];
    const honor = web('new', undefined, [spread(1, 'zone')]);
    honor.spec.nodeSelector = { zone: 'a' };
    // Zone b is not eligible, so zone a is the only domain and its skew is 2 + 1 - 2 = 1.
    expect(filterNodes(honor, snap(nodes, existing), [podTopologySpread]).feasible.map((n) => n.name)).toContain('a1');
    const ignore = web('new', undefined, [spread(1, 'zone', 'DoNotSchedule', { nodeAffinityPolicy: 'Ignore' })]);
    ignore.spec.nodeSelector = { zone: 'a' };
    // Counting zone b (0 pods) makes the skew in zone a 3.
    expect(filterNodes(ignore, snap(nodes, existing), [podTopologySpread]).feasible.map((n) => n.name)).toEqual(['b1']);
  });

  it('ignores ScheduleAnyway constraints when filtering', () => {
    const r = filterNodes(web('new', undefined, [spread(1, 'zone', 'ScheduleAnyway')]), snap(nodes, [web('w1', 'a1'), web('w2', 'a2')]), [podTopologySpread]);
    expect(r.feasible).toHaveLength(3);
  });
});

describe('PodTopologySpread score', () => {
  it('prefers the domain with fewer matching pods for ScheduleAnyway', () => {
    const s = snap(nodes, [web('w1', 'a1'), web('w2', 'a2')]);
    const scores = Object.fromEntries(scoreNodes(web('new', undefined, [spread(1, 'zone', 'ScheduleAnyway')]), s.nodes, s, [{ ...podTopologySpreadScore, weight: 1 }]));
    expect(scores.b1).toBe(100);
    expect(scores.b1).toBeGreaterThan(scores.a1);
  });

  it('spreads replicas of the same owner across nodes by default (system default constraints)', () => {
    const nodes3 = [node('n1'), node('n2'), node('n3')];
    const placed: Obj[] = [];
    for (let i = 0; i < 6; i++) {
      const p = pod(`r${i}`, { owner: 'rs1', labels: { app: 'x' } });
      const r = schedule(p, snap(nodes3, placed), { random: () => 0.99 });
      placed.push({ ...p, spec: { ...p.spec, nodeName: r.node } });
    }
    const perNode = ['n1', 'n2', 'n3'].map((n) => placed.filter((p) => p.spec.nodeName === n).length);
    expect(perNode).toEqual([2, 2, 2]);
  });

  it('does not spread pods without an owner or constraints', () => {
    const s = snap(nodes, [web('w1', 'a1')]);
    const scores = scoreNodes(pod('lonely'), s.nodes, s, [{ ...podTopologySpreadScore, weight: 1 }]);
    expect(new Set(scores.values()).size).toBe(1);
  });
});
