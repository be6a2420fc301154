// events.k8s.io/v1 Event: a second view of the core/v1 events storage, as upstream serves it (both REST paths share
// /registry/events/; pkg/apis/events/v1/conversion.go maps the fields). Renamed fields: involvedObject ↔ regarding,
// message ↔ note, source ↔ deprecatedSource, firstTimestamp/lastTimestamp/count ↔ deprecated*, reportingComponent ↔
// reportingController. Writes through this API get the strict validation of the new Events API (eventTime,
// reportingController/Instance, action and reason required; the deprecated fields must stay unset).
import { invalid, isQualifiedName, required, type FieldError } from '../../../machinery/validation.js';
import type { Obj, ResourceDef } from '../../types.js';
import { events as coreEvents } from '../core/events.js';

/** core/v1 field → events.k8s.io/v1 field, for the fields whose names differ. */
const RENAMED: [core: string, v1: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];
const CORE_TO_V1 = new Map(RENAMED);
const V1_TO_CORE = new Map(RENAMED.map(([c, v]) => [v, c]));

function rename(o: Obj, names: Map<string, string>, apiVersion: string): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) out[names.get(k) ?? k] = v;
  out.apiVersion = apiVersion;
  out.kind = 'Event';
  return out;
}

/** Stored (core/v1) → events.k8s.io/v1. Go's encoding prints the non-omitempty eventTime as null when unset. */
export function eventToV1(o: Obj): Obj {
  const out = rename(o, CORE_TO_V1, 'events.k8s.io/v1');
  if (!('eventTime' in out)) out.eventTime = null;
  return out;
}

/** events.k8s.io/v1 → stored (core/v1). The core type always carries involvedObject and source. */
export function eventFromV1(o: Obj): Obj {
  const out = rename(o, V1_TO_CORE, 'v1');
  out.involvedObject ??= {};
  out.source ??= {};
  return out;
}

const zeroTime = (t: unknown) => t === undefined || t === null || t === '';
const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

/** upstream legacyValidateEvent on the core form: namespace agreement, and the new-API fields once eventTime is set. */
export function legacyEventErrors(e: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns: string = e.metadata?.namespace ?? '';
  const io = e.involvedObject ?? {};
  const ioNs: string = io.namespace ?? '';
  if (zeroTime(e.eventTime)) {
    if (!ioNs ? ns !== '' && ns !== 'default' : ns !== ioNs) errs.push(invalid('involvedObject.namespace', ioNs, 'does not match event.namespace'));
    return errs;
  }
  if (!ioNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('involvedObject.namespace', ioNs, 'does not match event.namespace'));
  const controller: string = e.reportingComponent ?? '';
  if (!controller) errs.push(required('reportingController'));
  for (const msg of isQualifiedName(controller)) errs.push(invalid('reportingController', controller, msg));
  const instance: string = e.reportingInstance ?? '';
  if (!instance) errs.push(required('reportingInstance'));
  if (instance.length > REPORTING_INSTANCE_LIMIT) errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
  const action: string = e.action ?? '';
  if (!action) errs.push(required('action'));
  if (action.length > ACTION_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
  const reason: string = e.reason ?? '';
  if (!reason) errs.push(required('reason'));
  if (reason.length > REASON_LIMIT) errs.push(invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
  if (String(e.message ?? '').length > NOTE_LIMIT) errs.push(invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  return errs;
}

function seriesErrors(e: Obj): FieldError[] {
  if (!e.series) return [];
  const errs: FieldError[] = [];
  if (!((e.series.count ?? 0) >= 2)) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (zeroTime(e.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** upstream ValidateEventCreate for events.k8s.io/v1 (paths are the internal type's, as upstream reports them). */
function validateCreate(v1: Obj): FieldError[] {
  const e = eventFromV1(v1);
  const errs = [...legacyEventErrors(e), ...seriesErrors(e)];
  if (zeroTime(e.eventTime)) errs.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${e.type ?? ''}`));
  if (!zeroTime(e.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!zeroTime(e.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (e.count) errs.push(invalid('count', '', 'needs to be unset'));
  if (e.source?.component || e.source?.host) errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

const IMMUTABLE = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance'];
const CORE_PATH: Record<string, string> = { reportingComponent: 'reportingController' };

/** upstream ValidateEventUpdate for events.k8s.io/v1: everything but the series is immutable. */
function validateUpdate(v1: Obj, oldV1: Obj): FieldError[] {
  const e = eventFromV1(v1);
  const old = eventFromV1(oldV1);
  const errs = legacyEventErrors(e);
  if (JSON.stringify(e.series ?? null) !== JSON.stringify(old.series ?? null)) errs.push(...seriesErrors(e));
  for (const f of IMMUTABLE) {
    const a = e[f] ?? null;
    const b = old[f] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) errs.push(invalid(CORE_PATH[f] ?? f, a, 'field is immutable'));
  }
  return errs;
}

/** upstream AddFieldLabelConversionsForEvent (events/v1): regarding.* select on the core involvedObject fields. */
function selectableFields(e: Obj): Record<string, string> {
  const io = e.involvedObject ?? {};
  return {
    reason: e.reason ?? '',
    'regarding.kind': io.kind ?? '',
    'regarding.namespace': io.namespace ?? '',
    'regarding.name': io.name ?? '',
    'regarding.uid': io.uid ?? '',
    'regarding.apiVersion': io.apiVersion ?? '',
    'regarding.resourceVersion': io.resourceVersion ?? '',
    'regarding.fieldPath': io.fieldPath ?? '',
    reportingController: e.reportingComponent ?? '',
    source: e.source?.component ?? '',
    type: e.type ?? '',
  };
}

export const eventsV1: ResourceDef = {
  ...coreEvents,
  group: 'events.k8s.io',
  version: 'v1',
  storedAs: { group: '', plural: 'events' },
  codec: { decode: eventToV1, encode: eventFromV1 },
  // The same printer as core/v1 events (upstream's TableConvertor works on the internal type).
  cells: (o, now) => coreEvents.cells!(eventFromV1(o), now),
  selectableFields,
  // `validate` runs on create and update; updates (which always carry the stored resourceVersion by then) get the
  // update rules only, like upstream's separate ValidateEventCreate / ValidateEventUpdate.
  validate: (o) => (o.metadata?.resourceVersion ? [] : validateCreate(o)),
  validateUpdate: (o, old) => validateUpdate(o, old),
};
