// NodeUnschedulable, NodeName, NodeReady and NodePorts filters on fake objects.
import { describe, expect, it } from 'vitest';
import { nodeName, nodePorts, nodeReady, nodeUnschedulable } from '../../src/scheduler/plugins/node-basic.js';
import { filterNodes } from '../../src/scheduler/framework.js';
import { node, pod, snap } from '../helpers/objects.js';

function run(plugin: typeof nodeName, p: Record<string, any>, nodes: Record<string, any>[], pods: Record<string, any>[] = []) {
  return filterNodes(p, snap(nodes, pods), [plugin]);
}

describe('NodeUnschedulable', () => {
  it('rejects cordoned nodes as unresolvable unless the pod tolerates the unschedulable taint', () => {
    const nodes = [node('a', { unschedulable: true }), node('b')];
    const r = run(nodeUnschedulable, pod('p'), nodes);
    expect(r.feasible.map((n) => n.name)).toEqual(['b']);
    expect(r.statuses.get('a')).toMatchObject({ code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'], plugin: 'NodeUnschedulable' });
    const tolerant = pod('t', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(run(nodeUnschedulable, tolerant, nodes).feasible).toHaveLength(2);
  });
});

describe('NodeName', () => {
  it('keeps only the requested node', () => {
    const r = run(nodeName, pod('p', { spec: { nodeName: 'b' } }), [node('a'), node('b')]);
    expect(r.feasible.map((n) => n.name)).toEqual(['b']);
    expect(r.statuses.get('a')?.reasons).toEqual(["node(s) didn't match the requested node name"]);
  });
});

describe('NodeReady', () => {
  it('rejects nodes without Ready=True, unless the pod tolerates not-ready and unreachable', () => {
    const nodes = [node('ok'), node('down', { ready: 'Unknown' }), node('new', { ready: null }), node('sick', { ready: 'False' })];
    const r = run(nodeReady, pod('p'), nodes);
    expect(r.feasible.map((n) => n.name)).toEqual(['ok']);
    expect(r.statuses.get('new')?.reasons).toEqual(['node(s) were not ready']);
    const daemon = pod('d', { spec: { tolerations: [{ operator: 'Exists' }] } });
    expect(run(nodeReady, daemon, nodes).feasible).toHaveLength(4);
  });
});

describe('NodePorts', () => {
  const withPort = (name: string, hostPort: number, extra: Record<string, any> = {}) =>
    pod(name, { spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort, protocol: 'TCP', ...extra }] }] } });

  it('rejects nodes where the host port is taken (same protocol, overlapping host IP)', () => {
    const nodes = [node('a'), node('b')];
    const r = run(nodePorts, withPort('new', 8080), nodes, [{ ...withPort('old', 8080), spec: { ...withPort('old', 8080).spec, nodeName: 'a' } }]);
    expect(r.feasible.map((n) => n.name)).toEqual(['b']);
    expect(r.statuses.get('a')).toMatchObject({ code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] });
  });

  it('allows the same port on another protocol or another host IP', () => {
    const bound = (p: Record<string, any>) => ({ ...p, spec: { ...p.spec, nodeName: 'a' } });
    expect(run(nodePorts, withPort('new', 53, { protocol: 'UDP' }), [node('a')], [bound(withPort('old', 53))]).feasible).toHaveLength(1);
    expect(run(nodePorts, withPort('new', 80, { hostIP: '10.0.0.2' }), [node('a')], [bound(withPort('old', 80, { hostIP: '10.0.0.1' }))]).feasible).toHaveLength(1);
    expect(run(nodePorts, withPort('new', 80, { hostIP: '10.0.0.2' }), [node('a')], [bound(withPort('old', 80))]).feasible).toHaveLength(0);
  });
});
