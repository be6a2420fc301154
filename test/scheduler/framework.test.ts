// The scheduling cycle end to end on fake objects: filters in order, weighted scores, and the FailedScheduling
// message in upstream's FitError format (sorted reason histogram plus the preemption PostFilter message).
import { describe, expect, it } from 'vitest';
import { ERR_NO_NODES, filterNodes, fitErrorMessage, schedule } from '../../src/scheduler/framework.js';
import { node, pod, snap } from '../helpers/objects.js';

const master = node('master', { labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
const workers = [node('node01', { cpu: '2' }), node('node02', { cpu: '2' })];

describe('schedule', () => {
  it('picks a feasible node with the best score', () => {
    const s = snap([master, ...workers], [pod('busy', { cpu: '1500m', nodeName: 'node01' })]);
    expect(schedule(pod('web', { cpu: '100m' }), s).node).toBe('node02');
  });

  it('explains a failure like upstream, with the preemption message', () => {
    const r = schedule(pod('big', { cpu: '3' }), snap([master, ...workers]));
    expect(r.node).toBeUndefined();
    expect(r.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..',
    );
  });

  it('counts each reason of a node that fails several resources', () => {
    const r = schedule(pod('huge', { cpu: '3', memory: '100Gi' }), snap(workers));
    expect(r.message).toMatch(/^0\/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory\. /);
  });

  it('stops at the first failing filter for a node (in upstream plugin order)', () => {
    const tainted = node('t', { cpu: '1', taints: [{ key: 'k', effect: 'NoSchedule' }] });
    const { statuses } = filterNodes(pod('p', { cpu: '3' }), snap([tainted]));
    expect(statuses.get('t')).toMatchObject({ plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint {k: }'] });
  });

  it('reports no nodes', () => {
    expect(schedule(pod('p'), snap([])).message).toBe(ERR_NO_NODES);
  });

  it('says so when the pod may not preempt', () => {
    const p = pod('p', { cpu: '3', spec: { preemptionPolicy: 'Never' } });
    const statuses = filterNodes(p, snap(workers)).statuses;
    expect(fitErrorMessage(p, 2, statuses)).toBe('0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('breaks ties at random among the best nodes', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(schedule(pod('p'), snap(nodes)).node!);
    expect(seen.size).toBeGreaterThan(1);
  });
});
