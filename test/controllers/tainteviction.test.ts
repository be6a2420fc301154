// The taint eviction controller alone, on a virtual clock (no kubelet: deleted pods stay Terminating, as on a dead
// node): untolerated NoExecute taints evict at once, tolerationSeconds at the deadline, forever-tolerations never;
// removing the taint or adding a toleration cancels; every decision leaves a TaintManagerEviction event.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchingTolerations, minTolerationMs, TaintEvictionController } from '../../src/controllers/tainteviction/controller.js';
import type { Obj } from '../../src/registry/types.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

let c: TestCluster;
let clock: FakeClock;
let controller: TaintEvictionController;

const UNREACHABLE = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

beforeEach(async () => {
  clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => (controller = new TaintEvictionController())] });
  await c.client.nodes.create(undefined, { metadata: { name: 'node01' } });
});
afterEach(() => c.stop());

async function podOn(name: string, tolerations: Obj[] = []): Promise<Obj> {
  // An explicit forever-toleration of not-ready keeps admission from adding its own 300 s ones for that key.
  return c.client.pods.create('default', { metadata: { name }, spec: { nodeName: 'node01', tolerations, containers: [{ name: 'c', image: 'nginx' }] } });
}
const taint = (taints: Obj[]) => c.client.nodes.patch(undefined, 'node01', 'merge', { spec: { taints } });
const deleting = (name: string) => !!c.client.pods.get('default', name)?.metadata.deletionTimestamp;
const messages = () =>
  c.client.events
    .list('default')
    .items.filter((e) => e.reason === 'TaintManagerEviction')
    .map((e) => e.message);

describe('taint-based eviction', () => {
  it('deletes a pod that does not tolerate a NoExecute taint at once, marking it DisruptionTarget first', async () => {
    await podOn('victim', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
    await taint([{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]);
    await clock.advance(0);
    expect(deleting('victim')).toBe(true);
    const pod = c.client.pods.get('default', 'victim')!;
    expect(pod.metadata.deletionGracePeriodSeconds).toBe(30); // a normal delete: the kubelet would finish it
    expect(pod.status.conditions.find((x: Obj) => x.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
    });
    const event = c.client.events.list('default').items.find((e) => e.reason === 'TaintManagerEviction')!;
    expect(event).toMatchObject({ type: 'Normal', message: 'Marking for deletion Pod default/victim', source: { component: 'taint-eviction-controller' }, involvedObject: { kind: 'Pod', name: 'victim', namespace: 'default' } });
  });

  it('waits for tolerationSeconds (the shortest of the tolerations used), on the cluster clock', async () => {
    // Admission adds the default 300 s not-ready/unreachable tolerations.
    await podOn('default-tolerations');
    await podOn('short', [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
      { key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
    const defaults = c.client.pods.get('default', 'default-tolerations')!.spec.tolerations;
    expect(defaults).toContainEqual({ ...UNREACHABLE, operator: 'Exists', tolerationSeconds: 300 });
    const t0 = clock.now();
    await taint([{ ...UNREACHABLE, timeAdded: new Date(t0).toISOString() }]);
    await clock.advance(0);
    expect(controller.scheduled().map((s) => [s.key, s.fireAt - t0]).sort()).toEqual([
      ['default/default-tolerations', 300_000],
      ['default/short', 60_000],
    ]);
    await clock.advance(59_000);
    expect(deleting('short')).toBe(false);
    await clock.advance(1_000);
    expect(deleting('short')).toBe(true);
    await clock.advance(239_000);
    expect(deleting('default-tolerations')).toBe(false);
    await clock.advance(1_000);
    expect(deleting('default-tolerations')).toBe(true);
    expect(messages().sort()).toEqual(['Marking for deletion Pod default/default-tolerations', 'Marking for deletion Pod default/short']);
  });

  it('keeps pods that tolerate the taint forever (DaemonSet-style)', async () => {
    await podOn('daemon', [{ ...UNREACHABLE, operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }]);
    await taint([UNREACHABLE]);
    await clock.advance('1h');
    expect(deleting('daemon')).toBe(false);
    expect(controller.scheduled()).toEqual([]);
  });

  it('cancels a pending deletion when the taint goes, with an event', async () => {
    await podOn('lucky');
    await taint([UNREACHABLE]);
    await clock.advance('2m');
    expect(controller.scheduled().map((s) => s.key)).toEqual(['default/lucky']);
    await taint([]);
    await clock.advance('10m');
    expect(deleting('lucky')).toBe(false);
    expect(messages()).toEqual(['Cancelling deletion of Pod default/lucky']);
  });

  it('reacts to pods: a new pod on a tainted node, and a pod gaining a toleration', async () => {
    await taint([{ key: 'dedicated', value: 'x', effect: 'NoExecute' }]);
    await podOn('late');
    await clock.advance(0);
    expect(deleting('late')).toBe(true);

    await taint([UNREACHABLE]);
    await podOn('saved');
    await clock.advance('1m');
    expect(controller.scheduled().map((s) => s.key)).toContain('default/saved');
    // A toleration without tolerationSeconds tolerates forever; the first toleration matching a taint is the one
    // used (upstream GetMatchingTolerations), so it goes first.
    const pod = c.client.pods.get('default', 'saved')!;
    await c.client.pods.update({ ...pod, spec: { ...pod.spec, tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }, ...pod.spec.tolerations] } });
    await clock.advance('10m');
    expect(deleting('saved')).toBe(false);
  });
});

describe('toleration matching', () => {
  it('finds the toleration used for each taint, or reports one untolerated', () => {
    const tol = [{ key: 'a', operator: 'Equal', value: '1', effect: 'NoExecute', tolerationSeconds: 10 }, { operator: 'Exists' }];
    expect(matchingTolerations([{ key: 'a', value: '1', effect: 'NoExecute' }], tol)).toEqual({ all: true, used: [tol[0]] });
    expect(matchingTolerations([{ key: 'a', value: '2', effect: 'NoExecute' }], tol)).toEqual({ all: true, used: [tol[1]] });
    expect(matchingTolerations([{ key: 'b', effect: 'NoExecute' }], [tol[0]!])).toEqual({ all: false, used: [] });
    expect(matchingTolerations([], [])).toEqual({ all: true, used: [] });
  });

  it('takes the shortest tolerationSeconds; none is forever (-1); zero or negative is now', () => {
    expect(minTolerationMs([])).toBe(0);
    expect(minTolerationMs([{ tolerationSeconds: 300 }, { tolerationSeconds: 60 }, {}])).toBe(60_000);
    expect(minTolerationMs([{}, {}])).toBe(-1);
    expect(minTolerationMs([{ tolerationSeconds: 100 }, { tolerationSeconds: -5 }])).toBe(0);
  });
});
