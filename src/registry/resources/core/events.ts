import { age } from '../../../machinery/duration.js';
import { col } from '../../columns.js';
import type { ResourceDef } from '../../types.js';
type Obj = Record<string, any>;

function lastSeen(e: Obj, now: number): string {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return age(t, now);
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
    const src = e.source?.component ? `${e.source.component}${e.source.host ? `, ${e.source.host}` : ''}` : (e.reportingComponent ?? '');
    return [
      lastSeen(e, now),
      e.type ?? '',
      e.reason ?? '',
      `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
      io.fieldPath ?? '',
      src,
      String(e.message ?? '').trim(),
      age(e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp, now),
      e.series?.count ?? e.count ?? 1,
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
