// NodeResourcesFit (filter and LeastAllocated score), BalancedAllocation, and pod request accounting.
import { describe, expect, it } from 'vitest';
import { filterNodes, scoreNodes } from '../../src/scheduler/framework.js';
import { balancedAllocation, leastAllocated, nodeResourcesFit } from '../../src/scheduler/plugins/resources-fit.js';
import { podRequests } from '../../src/scheduler/resources.js';
import { parseQuantity } from '../../src/machinery/quantity.js';
import { node, pod, snap } from '../helpers/objects.js';

describe('quantities and pod requests', () => {
  it('parses Kubernetes quantities', () => {
    expect(parseQuantity('100m')).toBeCloseTo(0.1);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('2k')).toBe(2000);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(Number.isNaN(parseQuantity('abc'))).toBe(true);
  });

  it('takes the larger of the containers sum and the largest init container, plus overhead', () => {
    const p = pod('p', {
      spec: {
        containers: [
          { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          { name: 'b', resources: { requests: { cpu: '200m' } } },
        ],
        initContainers: [{ name: 'i', resources: { requests: { cpu: '1', memory: '32Mi' } } }],
        overhead: { cpu: '10m' },
      },
    });
    const r = podRequests(p);
    expect(r.milliCPU).toBe(1010);
    expect(r.memory).toBe(64 * 2 ** 20);
  });

  it('counts request-less containers at 100m / 200Mi for scoring only', () => {
    expect(podRequests(pod('p')).milliCPU).toBe(0);
    expect(podRequests(pod('p'), true)).toMatchObject({ milliCPU: 100, memory: 200 * 2 ** 20 });
  });
});

describe('NodeResourcesFit filter', () => {
  it('subtracts what bound pods request from allocatable', () => {
    const nodes = [node('a', { cpu: '2' }), node('b', { cpu: '2' })];
    const bound = [pod('x', { cpu: '1500m', nodeName: 'a' }), pod('done', { cpu: '2', nodeName: 'b', phase: 'Succeeded' })];
    const r = filterNodes(pod('p', { cpu: '1' }), snap(nodes, bound), [nodeResourcesFit]);
    expect(r.feasible.map((n) => n.name)).toEqual(['b']);
    expect(r.statuses.get('a')).toMatchObject({ code: 'Unschedulable', reasons: ['Insufficient cpu'] });
  });

  it('reports every insufficient resource and too many pods', () => {
    const n = node('a', { cpu: '1', memory: '1Gi', pods: '1' });
    const r = filterNodes(pod('p', { cpu: '2', memory: '2Gi' }), snap([n], [pod('x', { nodeName: 'a' })]), [nodeResourcesFit]);
    expect(r.statuses.get('a')?.reasons).toEqual(['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
  });

  it('checks extended resources', () => {
    const n = node('a');
    n.status.allocatable['nvidia.com/gpu'] = '1';
    const gpu = (name: string) => pod(name, { spec: { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '2' } } }] } });
    expect(filterNodes(gpu('p'), snap([n]), [nodeResourcesFit]).statuses.get('a')?.reasons).toEqual(['Insufficient nvidia.com/gpu']);
  });
});

describe('resource scores', () => {
  it('LeastAllocated prefers the emptier node', () => {
    const nodes = [node('busy'), node('idle')];
    const s = snap(nodes, [pod('x', { cpu: '3', memory: '6Gi', nodeName: 'busy' })]);
    const scores = scoreNodes(pod('p', { cpu: '100m' }), s.nodes, s, [leastAllocated]);
    expect(scores.get('idle')!).toBeGreaterThan(scores.get('busy')!);
  });

  it('BalancedAllocation prefers a node where cpu and memory stay even', () => {
    const nodes = [node('cpu-heavy'), node('even')];
    const s = snap(nodes, [pod('x', { cpu: '3', memory: '100Mi', nodeName: 'cpu-heavy' }), pod('y', { cpu: '2', memory: '4Gi', nodeName: 'even' })]);
    const scores = scoreNodes(pod('p', { cpu: '100m', memory: '100Mi' }), s.nodes, s, [balancedAllocation]);
    expect(scores.get('even')!).toBeGreaterThan(scores.get('cpu-heavy')!);
  });
});
