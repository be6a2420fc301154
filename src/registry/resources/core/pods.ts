import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { defaultPodSpec } from '../../defaults/podspec.js';
import { podCells } from '../../printers/pod.js';
import { admitPod } from './pod-admission.js';
import type { ResourceDef } from '../../types.js';

export const pods: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  nameRule: 'subdomain',
  statusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    // POST a core/v1 Binding to assign the pod to a node (the scheduler's call); see pod-binding.ts.
    { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
    // POST a policy/v1 (or v1beta1) Eviction: a deletion that honours PodDisruptionBudgets; see pod-eviction.ts.
    { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
    // GET the simulated container's log (text/plain, streamed with follow=true); see src/api/pod-log.ts.
    { name: 'log', verbs: ['get'] },
    // The kubelet's streaming endpoints and the API server proxy; see src/streams.
    { name: 'attach', kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
    { name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
    { name: 'portforward', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
    { name: 'proxy', kind: { group: '', version: 'v1', kind: 'PodProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  ],
  returnDeletedObject: true,
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    col('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col('Node', 'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.', 1),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  cells: podCells,
  selectableFields: (o) => ({
    'spec.nodeName': o.spec?.nodeName ?? '',
    'spec.restartPolicy': o.spec?.restartPolicy ?? '',
    'spec.schedulerName': o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(o.spec?.hostNetwork ?? false),
    'status.phase': o.status?.phase ?? '',
    'status.podIP': o.status?.podIP ?? '',
    'status.nominatedNodeName': o.status?.nominatedNodeName ?? '',
  }),
  defaults: (o) => {
    o.spec ??= {};
    defaultPodSpec(o.spec);
    // SetDefaults_Pod (pods only, not templates).
    o.spec.enableServiceLinks ??= true;
  },
  // A new pod always starts Pending with a QoS class (upstream podStrategy.PrepareForCreate), and gets what the
  // default admission plugins add (service account token, priority, default tolerations).
  prepareForCreate: (o) => {
    o.status = { phase: 'Pending', qosClass: qosClass(o.spec ?? {}) };
    admitPod(o);
  },
  // A pod bound to a node is deleted gracefully: the kubelet finishes the deletion (upstream podStrategy.CheckGracefulDelete).
  defaultGracePeriod: (o) => {
    if (!o.spec?.nodeName) return 0;
    if (o.status?.phase === 'Succeeded' || o.status?.phase === 'Failed') return 0;
    return o.spec?.terminationGracePeriodSeconds ?? 30;
  },
};

function qosClass(spec: Record<string, any>): string {
  const cs: any[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let anyRequest = false;
  let guaranteed = cs.length > 0;
  for (const c of cs) {
    const req = c?.resources?.requests ?? {};
    const lim = c?.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anyRequest = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!anyRequest) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
