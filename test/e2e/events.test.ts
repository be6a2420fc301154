// Events as upstream components leave them, read with real kubectl 1.27 and 1.33: `kubectl get events` and
// `kubectl events` (core/v1), `kubectl get events.events.k8s.io` (the events.k8s.io/v1 view of the same objects), and
// describe. The trail of a deployment's life: ScalingReplicaSet, SuccessfulCreate / SuccessfulDelete (aggregated
// after 10 similar ones, as client-go's correlator does), Scheduled (events.k8s.io, from the scheduler), Pulling,
// Pulled, Created, Started, Killing (kubelet), and FailedScheduling for a pod that fits nowhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { lines, parseTable } from './fidelity-util.js';

type Obj = Record<string, any>;

describe.each(KUBECTL_VERSIONS)('events with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  let rsName: string;
  let podName: string;
  let deletedPod: string;
  const coreEvents = () => c.client.events.list('default').items;

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
    k = new Kubectl(version, c.kubeconfigPath);
    await waitFor('system pods Running', () => c.client.pods.list('kube-system').items.every((p) => p.status?.phase === 'Running'));
    // A life story: 12 replicas, scaled down to 1, and a pod that fits nowhere.
    await k.ok(['create', 'deployment', 'web', '--image=httpd', '--replicas=12']);
    await k.ok(['rollout', 'status', 'deploy/web', '--timeout=30s']);
    const before = c.client.pods.list('default', { labelSelector: 'app=web' }).items.map((p) => p.metadata.name);
    await k.ok(['scale', 'deploy/web', '--replicas=1']);
    await waitFor('one pod left', () => c.client.pods.list('default', { labelSelector: 'app=web' }).items.length === 1, 30_000);
    podName = c.client.pods.list('default', { labelSelector: 'app=web' }).items[0]!.metadata.name;
    deletedPod = before.find((n) => n !== podName)!;
    rsName = c.client.replicasets.list('default').items[0]!.metadata.name;
    await k.ok(['run', 'stuck', '--image=httpd', '--overrides={"spec":{"nodeSelector":{"disktype":"ssd"}}}']);
    await waitFor('FailedScheduling', () => coreEvents().some((e) => e.reason === 'FailedScheduling'));
    await waitFor('all events written', () => coreEvents().some((e) => e.reason === 'Killing' && e.involvedObject.name === deletedPod));
  });
  afterAll(() => c?.stop());

  it('kubectl get events: the upstream reasons, objects and messages', async () => {
    const t = parseTable(await k.ok(['get', 'events']));
    expect(t.header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    const has = (type: string, reason: string, object: string | RegExp, message: string | RegExp) =>
      expect(
        t.rows.some(
          (r) =>
            r[1] === type &&
            r[2] === reason &&
            (typeof object === 'string' ? r[3] === object : object.test(r[3]!)) &&
            (typeof message === 'string' ? r[4] === message : message.test(r[4]!)),
        ),
        `${type} ${reason} ${object} ${message} in\n${t.rows.map((r) => r.join(' | ')).join('\n')}`,
      ).toBe(true);
    has('Normal', 'ScalingReplicaSet', 'deployment/web', `Scaled up replica set ${rsName} from 0 to 12`);
    has('Normal', 'ScalingReplicaSet', 'deployment/web', `Scaled down replica set ${rsName} from 12 to 1`);
    has('Normal', 'SuccessfulCreate', `replicaset/${rsName}`, new RegExp(`^Created pod: ${rsName}-\\w{5}$`));
    has('Normal', 'SuccessfulCreate', `replicaset/${rsName}`, new RegExp(`^\\(combined from similar events\\): Created pod: ${rsName}-\\w{5}$`));
    has('Normal', 'SuccessfulDelete', `replicaset/${rsName}`, new RegExp(`^Deleted pod: ${rsName}-\\w{5}$`));
    has('Normal', 'Scheduled', `pod/${podName}`, /^Successfully assigned default\/\S+ to node0[12]$/);
    has('Normal', 'Pulling', `pod/${podName}`, 'Pulling image "httpd"');
    has('Normal', 'Pulled', `pod/${podName}`, /^(Successfully pulled image "httpd" in .*|Container image "httpd" already present on machine)$/);
    has('Normal', 'Created', `pod/${podName}`, 'Created container httpd');
    has('Normal', 'Started', `pod/${podName}`, 'Started container httpd');
    has('Normal', 'Killing', `pod/${deletedPod}`, 'Stopping container httpd');
    has('Warning', 'FailedScheduling', 'pod/stuck', /^0\/3 nodes are available: .*node\(s\) didn't match Pod's node affinity\/selector/);
  });

  it('client-go aggregation: 12 creations leave 9 single events and one combined event counted 3 times', async () => {
    const creates = coreEvents().filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.name === rsName);
    const combined = creates.filter((e) => e.message.startsWith('(combined from similar events): '));
    expect(creates.length - combined.length).toBe(9);
    expect(combined).toHaveLength(1);
    expect(combined[0]!.count).toBe(3);
    const described = await k.ok(['describe', 'rs', rsName]);
    expect(described).toMatch(/Normal\s+SuccessfulCreate\s+\S+ \(x3 over \S+\)\s+replicaset-controller\s+\(combined from similar events\): Created pod: /);
  });

  it('get events -o wide: Source from source, else from reportingController/Instance', async () => {
    const out = await k.ok(['get', 'events', '-o', 'wide', '--field-selector', `involvedObject.name=${podName}`]);
    expect(parseTable(out).header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
    const node = c.client.pods.get('default', podName)!.spec.nodeName;
    // The scheduler's event has no subobject and no source: the reporting controller and instance stand in.
    expect(out).toMatch(new RegExp(`^\\S+\\s+Normal\\s+Scheduled\\s+pod/${podName}\\s+default-scheduler, default-scheduler-master\\s+Successfully assigned default/${podName} to ${node}\\s+\\S+\\s+1\\s+${podName}\\.[0-9a-f]+\\s*$`, 'm'));
    expect(out).toMatch(new RegExp(`^\\S+\\s+Normal\\s+Started\\s+pod/${podName}\\s+spec\\.containers\\{httpd\\}\\s+kubelet, ${node}\\s+Started container httpd\\s+\\S+\\s+1\\s+${podName}\\.[0-9a-f]+\\s*$`, 'm'));
  });

  it('kubectl events: LAST SEEN TYPE REASON OBJECT MESSAGE, --for and --types', async () => {
    const all = parseTable(await k.ok(['events']));
    expect(all.header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(all.rows.map((r) => r[2])).toEqual(expect.arrayContaining(['ScalingReplicaSet', 'SuccessfulCreate', 'Scheduled', 'Pulling', 'Started', 'Killing', 'FailedScheduling']));
    const forPod = parseTable(await k.ok(['events', '--for', `pod/${podName}`]));
    expect(new Set(forPod.rows.map((r) => r[3]))).toEqual(new Set([`Pod/${podName}`]));
    expect(forPod.rows.map((r) => r[2])).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
    const warnings = parseTable(await k.ok(['events', '--types=Warning']));
    expect(warnings.rows.map((r) => [r[1], r[2], r[3]])).toEqual([['Warning', 'FailedScheduling', 'Pod/stuck']]);
  });

  it('kubectl get events.events.k8s.io: the same events through events.k8s.io/v1', async () => {
    const t = parseTable(await k.ok(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${podName}`]));
    expect(t.header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(t.rows.map((r) => r[2])).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
    const list: Obj = JSON.parse(await k.ok(['get', 'events.v1.events.k8s.io', '-o', 'json', '--field-selector', `regarding.name=${podName},reason=Scheduled`]));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      reason: 'Scheduled',
      action: 'Binding',
      reportingController: 'default-scheduler',
      reportingInstance: 'default-scheduler-master',
      regarding: { kind: 'Pod', name: podName, namespace: 'default' },
      type: 'Normal',
    });
    expect(list.items[0].note).toMatch(/^Successfully assigned default\//);
    const started: Obj = JSON.parse(await k.ok(['get', 'events.events.k8s.io', '-o', 'json', '--field-selector', `regarding.name=${podName},reason=Started`]));
    expect(started.items[0]).toMatchObject({ deprecatedSource: { component: 'kubelet' }, deprecatedCount: 1, reportingController: 'kubelet', eventTime: null });
    const described = await k.ok(['describe', 'pod', podName]);
    expect(described).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\//);
    expect(lines(await k.ok(['api-resources', '--api-group=events.k8s.io']))[1]).toMatch(/^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event\s*$/);
  });
});
