// TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule taints score; toleration matching rules.
import { describe, expect, it } from 'vitest';
import { filterNodes, scoreNodes } from '../../src/scheduler/framework.js';
import { taintToleration, taintTolerationScore } from '../../src/scheduler/plugins/taint-toleration.js';
import { toleratesTaint } from '../../src/scheduler/selectors.js';
import { node, pod, snap } from '../helpers/objects.js';

const controlPlane = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('toleration matching', () => {
  it('follows v1.Toleration.ToleratesTaint', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    expect(toleratesTaint({ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'v' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', value: 'other' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'k', operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
  });
});

describe('TaintToleration filter', () => {
  it('rejects nodes with untolerated NoSchedule/NoExecute taints with the upstream message', () => {
    const nodes = [node('master', { taints: [controlPlane] }), node('worker'), node('evicting', { taints: [{ key: 'x', value: 'y', effect: 'NoExecute' }] })];
    const r = filterNodes(pod('p'), snap(nodes), [taintToleration]);
    expect(r.feasible.map((n) => n.name)).toEqual(['worker']);
    expect(r.statuses.get('master')).toMatchObject({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
    expect(r.statuses.get('evicting')?.reasons).toEqual(['node(s) had untolerated taint {x: y}']);
  });

  it('lets tolerating pods through and ignores PreferNoSchedule', () => {
    const nodes = [node('master', { taints: [controlPlane] }), node('soft', { taints: [{ key: 's', effect: 'PreferNoSchedule' }] })];
    const p = pod('p', { spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(filterNodes(p, snap(nodes), [taintToleration]).feasible).toHaveLength(2);
  });
});

describe('TaintToleration score', () => {
  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' });
    const nodes = [node('clean'), node('one', { taints: [soft('a')] }), node('two', { taints: [soft('a'), soft('b')] })];
    const s = snap(nodes);
    const score = (p: Record<string, any>) => Object.fromEntries(scoreNodes(p, s.nodes, s, [{ ...taintTolerationScore, weight: 1 }]));
    expect(score(pod('p'))).toEqual({ clean: 100, one: 50, two: 0 });
    expect(score(pod('q', { spec: { tolerations: [{ key: 'a', operator: 'Exists' }] } }))).toEqual({ clean: 100, one: 100, two: 0 });
  });
});
