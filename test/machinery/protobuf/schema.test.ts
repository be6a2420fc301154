// The field tables are self-consistent: every referenced message is described, field numbers are unique per
// message, every type parses, and every served kind (plus DeleteOptions) has a top-level message.
import { describe, expect, it } from 'vitest';
import { MESSAGES, message, messageForKind } from '../../../src/machinery/protobuf/index.js';

describe('protobuf field tables', () => {
  it('every message reference resolves and field numbers are unique', () => {
    const problems: string[] = [];
    for (const name of Object.keys(MESSAGES)) {
      const m = message(name)!;
      const numbers = m.fields.map((f) => f.number);
      if (new Set(numbers).size !== numbers.length) problems.push(`${name}: duplicate field numbers`);
      for (const f of m.fields) {
        if (!Number.isInteger(f.number) || f.number < 1) problems.push(`${name}.${f.name}: bad field number`);
        if (f.kind === 'message' && !MESSAGES[f.type]) problems.push(`${name}.${f.name}: unknown message ${f.type}`);
        if (f.inline && (f.kind !== 'message' || f.repeated || f.map)) problems.push(`${name}.${f.name}: bad inline`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('covers every served kind, batch/v1, the authorization reviews, Scale and DeleteOptions', () => {
    const kinds: [string, string][] = [
      ['v1', 'Namespace'], ['v1', 'Pod'], ['v1', 'Node'], ['v1', 'Service'], ['v1', 'Endpoints'], ['v1', 'ConfigMap'],
      ['v1', 'Secret'], ['v1', 'ServiceAccount'], ['v1', 'Event'], ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'],
      ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'], ['apps/v1', 'ControllerRevision'], ['coordination.k8s.io/v1', 'Lease'],
      ['autoscaling/v1', 'Scale'], ['batch/v1', 'Job'], ['batch/v1', 'CronJob'],
      ['authorization.k8s.io/v1', 'SelfSubjectAccessReview'], ['authorization.k8s.io/v1', 'SelfSubjectRulesReview'],
      ['v1', 'DeleteOptions'], ['meta.k8s.io/v1', 'DeleteOptions'],
    ];
    for (const [apiVersion, kind] of kinds) {
      const name = messageForKind(apiVersion, kind);
      expect(name, `${apiVersion}/${kind}`).toBeDefined();
      expect(message(name!), name).toBeDefined();
    }
    expect(messageForKind('v1', 'Container')).toBeUndefined();
    expect(messageForKind('apps/v1', 'Pod')).toBeUndefined();
  });

  it('records Go pointer-ness for the fields where zero matters', () => {
    const keep = (msg: string, field: string) => message(msg)!.fields.find((f) => f.name === field)!.keep;
    expect(keep('apps.v1.DeploymentSpec', 'replicas')).toBe(true);
    expect(keep('core.v1.PodSpec', 'terminationGracePeriodSeconds')).toBe(true);
    expect(keep('core.v1.PodSpec', 'automountServiceAccountToken')).toBe(true);
    expect(keep('core.v1.Secret', 'immutable')).toBe(true);
    expect(keep('core.v1.ConfigMap', 'immutable')).toBe(true);
    expect(keep('meta.v1.DeleteOptions', 'gracePeriodSeconds')).toBe(true);
    expect(keep('meta.v1.DeleteOptions', 'orphanDependents')).toBe(true);
    expect(keep('autoscaling.v1.ScaleSpec', 'replicas')).toBe(true);
    expect(keep('apps.v1.DeploymentStatus', 'replicas')).toBe(false);
    expect(keep('core.v1.Container', 'stdin')).toBe(false);
    expect(keep('meta.v1.ObjectMeta', 'generation')).toBe(false);
  });
});
