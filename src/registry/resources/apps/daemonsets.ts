import { isDeepStrictEqual } from 'node:util';
import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { defaultDaemonSet } from '../../defaults/workloads.js';
import type { ResourceDef } from '../../types.js';
import { CONTAINERS, IMAGES, SELECTOR, selectorCell, templateCells } from './workload-columns.js';

/** The v1 form of the internal spec.templateGeneration (read by the DaemonSet controller for pod-template-generation). */
export const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

export const daemonsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Desired', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).', 0, 'integer'),
    col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', 0, 'integer'),
    col('Ready', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', 0, 'integer'),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', 0, 'integer'),
    col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)', 0, 'integer'),
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node\'s labels for the pod to be scheduled on that node.'),
    AGE,
    CONTAINERS,
    IMAGES,
    { ...SELECTOR, description: 'A label query over pods that are managed by the daemon set.' },
  ],
  cells: (o, now) => {
    const [names, images] = templateCells(o);
    const s = o.status ?? {};
    const ns = o.spec?.template?.spec?.nodeSelector;
    return [
      o.metadata?.name,
      s.desiredNumberScheduled ?? 0,
      s.currentNumberScheduled ?? 0,
      s.numberReady ?? 0,
      s.updatedNumberScheduled ?? 0,
      s.numberAvailable ?? 0,
      // labels.FormatLabels: sorted by key.
      ns && Object.keys(ns).length ? Object.keys(ns).sort().map((k) => `${k}=${ns[k]}`).join(',') : '<none>',
      age(o.metadata?.creationTimestamp, now),
      names,
      images,
      selectorCell(o),
    ];
  },
  defaults: defaultDaemonSet,
  prepareForCreate: (o) => {
    o.status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    // daemonSetStrategy.PrepareForCreate: spec.templateGeneration starts at 1 (v1 carries it as this annotation).
    const ann = (o.metadata.annotations ??= {});
    if (!(Number(ann[TEMPLATE_GENERATION]) >= 1)) ann[TEMPLATE_GENERATION] = '1';
  },
  // daemonSetStrategy.PrepareForUpdate: a template change bumps templateGeneration; otherwise it is kept.
  prepareForUpdate: (o, old) => {
    const prev = Number(old.metadata?.annotations?.[TEMPLATE_GENERATION]) || 1;
    // Compared as the store will keep it: defaults are applied after this hook.
    const next = structuredClone(o);
    defaultDaemonSet(next);
    const changed = !isDeepStrictEqual(next.spec?.template, old.spec?.template);
    (o.metadata.annotations ??= {})[TEMPLATE_GENERATION] = String(changed ? prev + 1 : prev);
  },
};
