// The message tables merged and compiled for decoding (field number → how to read it and what JSON name it has), and
// the top-level kinds a request body may carry.
import { APPS_V1 } from './apps-v1.js';
import { AUTOSCALING_V2 } from './autoscaling-v2.js';
import { BATCH_V1 } from './batch-v1.js';
import { CORE_V1 } from './core-v1.js';
import { META_V1 } from './meta-v1.js';
import { POLICY_V1 } from './policy-v1.js';
import { SMALL_GROUPS } from './small-groups.js';
import type { MessageTable } from './types.js';

export type { FieldSpec, MessageTable } from './types.js';

export const SCALARS = ['string', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'bytes'] as const;
export const SPECIALS = ['Time', 'MicroTime', 'Duration', 'Quantity', 'IntOrString', 'RawExtension', 'FieldsV1'] as const;
export type Scalar = (typeof SCALARS)[number];
export type Special = (typeof SPECIALS)[number];

export interface CompiledField {
  name: string;
  number: number;
  kind: 'scalar' | 'special' | 'message';
  /** The scalar, special or message name. */
  type: string;
  repeated: boolean;
  /** map<string, type> */
  map: boolean;
  /** `?`: keep zero values (Go pointer). */
  keep: boolean;
  /** `...`: JSON inlines the embedded message into the parent. */
  inline: boolean;
}

export interface CompiledMessage {
  name: string;
  fields: CompiledField[];
  byNumber: Map<number, CompiledField>;
}

export const MESSAGES: MessageTable = { ...CORE_V1, ...APPS_V1, ...BATCH_V1, ...META_V1, ...SMALL_GROUPS, ...AUTOSCALING_V2, ...POLICY_V1 };

const SCALAR_SET = new Set<string>(SCALARS);
const SPECIAL_SET = new Set<string>(SPECIALS);

export function parseFieldType(name: string, number: number, spec: string): CompiledField {
  let t = spec;
  const f: CompiledField = { name, number, kind: 'scalar', type: '', repeated: false, map: false, keep: false, inline: false };
  if (t.startsWith('...')) {
    f.inline = true;
    t = t.slice(3);
  }
  if (t.endsWith('?')) {
    f.keep = true;
    t = t.slice(0, -1);
  }
  if (t.startsWith('[]')) {
    f.repeated = true;
    t = t.slice(2);
  } else {
    const m = /^map<string,(.+)>$/.exec(t);
    if (m) {
      f.map = true;
      t = m[1];
    }
  }
  f.type = t;
  f.kind = SCALAR_SET.has(t) ? 'scalar' : SPECIAL_SET.has(t) ? 'special' : 'message';
  return f;
}

const compiled = new Map<string, CompiledMessage>();

/** The compiled message, or undefined when the tables do not describe it. */
export function message(name: string): CompiledMessage | undefined {
  let m = compiled.get(name);
  if (m) return m;
  const table = MESSAGES[name];
  if (!table) return undefined;
  const fields = Object.entries(table).map(([field, [num, spec]]) => parseFieldType(field, num, spec));
  m = { name, fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
  compiled.set(name, m);
  return m;
}

/** Table group prefix → the apiVersion its kinds are served at. */
const GROUP_VERSIONS: Record<string, string> = {
  'core.v1': 'v1',
  'apps.v1': 'apps/v1',
  'batch.v1': 'batch/v1',
  'coordination.v1': 'coordination.k8s.io/v1',
  'autoscaling.v1': 'autoscaling/v1',
  'autoscaling.v2': 'autoscaling/v2',
  'authorization.v1': 'authorization.k8s.io/v1',
  'policy.v1': 'policy/v1',
};

/** The kinds a request body may carry at the top level (not every message of the tables is a kind). */
const TOP_LEVEL = [
  'core.v1.Namespace', 'core.v1.Pod', 'core.v1.Node', 'core.v1.Service', 'core.v1.Endpoints', 'core.v1.ConfigMap',
  'core.v1.Secret', 'core.v1.ServiceAccount', 'core.v1.Event',
  'apps.v1.Deployment', 'apps.v1.ReplicaSet', 'apps.v1.StatefulSet', 'apps.v1.DaemonSet', 'apps.v1.ControllerRevision',
  'batch.v1.Job', 'batch.v1.CronJob',
  'coordination.v1.Lease',
  'autoscaling.v1.Scale',
  'autoscaling.v2.HorizontalPodAutoscaler',
  'authorization.v1.SelfSubjectAccessReview', 'authorization.v1.SelfSubjectRulesReview',
  'policy.v1.PodDisruptionBudget', 'policy.v1.Eviction',
];

const KINDS = new Map<string, string>();
for (const name of TOP_LEVEL) {
  const dot = name.lastIndexOf('.');
  KINDS.set(`${GROUP_VERSIONS[name.slice(0, dot)]}/${name.slice(dot + 1)}`, name);
}

/**
 * The message for a body's apiVersion/kind. DeleteOptions is registered in every group version upstream
 * (metav1.AddToGroupVersion), so clients send it as "v1", "apps/v1"... and it is accepted under any apiVersion.
 */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'meta.v1.DeleteOptions';
  return KINDS.get(`${apiVersion}/${kind}`);
}
