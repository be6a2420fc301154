import { age } from '../../../machinery/duration.js';
import { col } from '../../columns.js';
import type { ResourceDef } from '../../types.js';
type Obj = Record<string, any>;

/** upstream printEvent: FirstSeen is firstTimestamp (else eventTime); LastSeen is lastTimestamp (else FirstSeen), or the
 * series' last observation; a missing time prints <unknown>. */
function seen(e: Obj, now: number): { first: string; last: string; count: number } {
  const first = age(e.firstTimestamp || e.eventTime, now);
  let last = e.lastTimestamp ? age(e.lastTimestamp, now) : first;
  let count: number = e.count ?? 0;
  if (e.series) {
    last = age(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events of the events.k8s.io API carry no count.
    count = 1;
  }
  return { first, last, count };
}

/** "component, instance" with reportingComponent/reportingInstance standing in for an empty source. */
function eventSource(e: Obj): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const events: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  nameRule: 'subdomain',
  allowCreateOnUpdate: true,
  // upstream printEvent: no Name column first; Last Seen leads.
  columns: [
    col('Last Seen', 'Time when last event occurred'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col('Reason', 'This should be a short, machine understandable string that gives the reason for this event being generated.'),
    col('Object', 'Object this event is about.'),
    col('Subobject', 'Specific subcomponent of the object this event is about.', 1),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'The number of times this event has occurred.', 1),
    col('Name', 'Name must be unique within a namespace.', 1),
  ],
  cells: (e, now) => {
    const io = e.involvedObject ?? {};
    const kind = String(io.kind ?? '').toLowerCase();
    const { first, last, count } = seen(e, now);
    return [
      last,
      e.type ?? '',
      e.reason ?? '',
      io.name ? `${kind}/${io.name}` : kind,
      io.fieldPath ?? '',
      eventSource(e),
      String(e.message ?? '').trim(),
      first,
      count,
      e.metadata?.name,
    ];
  },
  selectableFields: (e) => ({
    'involvedObject.kind': e.involvedObject?.kind ?? '',
    'involvedObject.namespace': e.involvedObject?.namespace ?? '',
    'involvedObject.name': e.involvedObject?.name ?? '',
    'involvedObject.uid': e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': e.involvedObject?.fieldPath ?? '',
    reason: e.reason ?? '',
    reportingComponent: e.reportingComponent ?? '',
    source: e.source?.component ?? '',
    type: e.type ?? '',
  }),
};
