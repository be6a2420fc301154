// spec.podFailurePolicy (upstream pkg/controller/job/pod_failure_policy.go): the first rule matching a failed pod's
// exit codes or conditions decides whether the Job fails at once (FailJob), the failure is not counted (Ignore) or
// counted against backoffLimit (Count).
import type { Obj } from '../../registry/types.js';
import { isPodFailed } from './pods.js';

export interface PolicyMatch {
  /** The FailJob message, when a FailJob rule matched. */
  failJobMessage?: string;
  /** Whether the failure counts against backoffLimit. */
  countFailed: boolean;
  action?: string;
}

function matchingContainer(statuses: Obj[] | undefined, req: Obj): Obj | undefined {
  for (const cs of statuses ?? []) {
    const terminated = cs?.state?.terminated;
    // A container still terminating has no exit code to match.
    if (!terminated) continue;
    if (req.containerName != null && req.containerName !== cs.name) continue;
    const code = terminated.exitCode ?? 0;
    if (code === 0) continue;
    const listed = (req.values ?? []).includes(code);
    if (req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false) return cs;
  }
  return undefined;
}

function matchingCondition(pod: Obj, patterns: Obj[]): Obj | undefined {
  for (const c of pod.status?.conditions ?? []) for (const p of patterns) if (c?.type === p?.type && c?.status === (p?.status ?? 'True')) return c;
  return undefined;
}

/** matchPodFailurePolicy. */
export function matchPodFailurePolicy(policy: Obj | undefined, pod: Obj): PolicyMatch {
  if (!policy) return { countFailed: true };
  const rules: Obj[] = policy.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const ns = pod.metadata?.namespace;
    const name = pod.metadata?.name;
    if (rule.onExitCodes) {
      const cs = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (!cs) continue;
      if (rule.action === 'Ignore') return { countFailed: false, action: 'Ignore' };
      if (rule.action === 'Count') return { countFailed: true, action: 'Count' };
      if (rule.action === 'FailJob') {
        const msg = `Container ${cs.name} for pod ${ns}/${name} failed with exit code ${cs.state.terminated.exitCode} matching FailJob rule at index ${i}`;
        return { failJobMessage: msg, countFailed: true, action: 'FailJob' };
      }
      // FailIndex needs backoffLimitPerIndex, which kubesim does not implement: the rule is skipped.
    } else if (rule.onPodConditions) {
      const cond = matchingCondition(pod, rule.onPodConditions);
      if (!cond) continue;
      if (rule.action === 'Ignore') return { countFailed: false, action: 'Ignore' };
      if (rule.action === 'Count') return { countFailed: true, action: 'Count' };
      if (rule.action === 'FailJob') {
        return { failJobMessage: `Pod ${ns}/${name} has condition ${cond.type} matching FailJob rule at index ${i}`, countFailed: true, action: 'FailJob' };
      }
    }
  }
  return { countFailed: true };
}

/** getFailJobMessage: the message of the first failed pod matching a FailJob rule. */
export function failJobMessage(job: Obj, pods: Obj[]): string | undefined {
  if (!job.spec?.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchPodFailurePolicy(job.spec.podFailurePolicy, p).failJobMessage;
    if (m) return m;
  }
  return undefined;
}
