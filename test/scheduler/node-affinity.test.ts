// NodeAffinity: nodeSelector, required terms (In/NotIn/Exists/DoesNotExist/Gt/Lt, matchFields) and preferred scores.
import { describe, expect, it } from 'vitest';
import { filterNodes, scoreNodes } from '../../src/scheduler/framework.js';
import { nodeAffinity, nodeAffinityScore } from '../../src/scheduler/plugins/node-affinity.js';
import { matchNodeSelectorTerm } from '../../src/scheduler/selectors.js';
import { node, pod, snap } from '../helpers/objects.js';

const nodes = [
  node('ssd-a', { labels: { disk: 'ssd', zone: 'a', cores: '16' } }),
  node('hdd-b', { labels: { disk: 'hdd', zone: 'b', cores: '4' } }),
  node('plain', { labels: {} }),
];
const feasible = (p: Record<string, any>) => filterNodes(p, snap(nodes), [nodeAffinity]).feasible.map((n) => n.name);
const required = (...terms: Record<string, any>[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

describe('NodeAffinity filter', () => {
  it('applies spec.nodeSelector', () => {
    expect(feasible(pod('p', { spec: { nodeSelector: { disk: 'ssd' } } }))).toEqual(['ssd-a']);
    const r = filterNodes(pod('p', { spec: { nodeSelector: { disk: 'nvme' } } }), snap(nodes), [nodeAffinity]);
    expect(r.statuses.get('plain')).toMatchObject({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] });
  });

  it('ORs terms and ANDs the expressions inside a term', () => {
    const p = pod('p', {
      spec: required(
        { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'zone', operator: 'NotIn', values: ['a'] }] },
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
      ),
    });
    expect(feasible(p)).toEqual(['hdd-b']);
  });

  it('supports Exists, DoesNotExist, Gt, Lt and matchFields on metadata.name', () => {
    const m = (expr: Record<string, any>, n = nodes[0]!) => matchNodeSelectorTerm(n, { matchExpressions: [expr] });
    expect(m({ key: 'disk', operator: 'Exists' })).toBe(true);
    expect(m({ key: 'gpu', operator: 'DoesNotExist' })).toBe(true);
    expect(m({ key: 'cores', operator: 'Gt', values: ['8'] })).toBe(true);
    expect(m({ key: 'cores', operator: 'Lt', values: ['8'] })).toBe(false);
    expect(m({ key: 'cores', operator: 'Gt', values: ['8'] }, nodes[1])).toBe(false);
    expect(feasible(pod('p', { spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['plain'] }] }) }))).toEqual(['plain']);
    // An empty term matches nothing (upstream).
    expect(feasible(pod('p', { spec: required({}) }))).toEqual([]);
  });

  it('needs both nodeSelector and affinity to match', () => {
    const p = pod('p', { spec: { nodeSelector: { disk: 'ssd' }, ...required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }) } });
    expect(feasible(p)).toEqual([]);
  });
});

describe('NodeAffinity score', () => {
  it('sums the weights of matching preferred terms, normalised to 100', () => {
    const p = pod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
              { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
            ],
          },
        },
      },
    });
    const s = snap(nodes);
    const scores = scoreNodes(p, s.nodes, s, [{ ...nodeAffinityScore, weight: 1 }]);
    expect(Object.fromEntries(scores)).toEqual({ 'ssd-a': 100, 'hdd-b': 25, plain: 0 });
  });
});
