// nodeutil.MarkPodsNotReady: the pods bound to a node that stopped being Ready get Ready=False (so endpoints drop
// them) and a NodeNotReady warning event, one status write per pod.
import type { Client } from '../../client/client.js';
import type { EventRecorder } from '../../client/events.js';
import { ApiError } from '../../machinery/errors.js';
import { updatePodCondition } from '../../registry/resources/core/pod-eviction.js';
import type { Obj } from '../../registry/types.js';

/** Marks the pods not ready; throws the first failure (other than a pod already gone) after trying them all. */
export async function markPodsNotReady(client: Client, recorder: EventRecorder, pods: Obj[], nodeName: string, now: number): Promise<void> {
  let failure: unknown;
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const ready = (pod.status?.conditions ?? []).find((c: Obj) => c?.type === 'Ready');
    if (!ready) continue;
    const conditions = updatePodCondition(pod.status.conditions, { ...ready, status: 'False' }, now);
    if (!conditions) continue;
    try {
      await client.pods.updateStatus({ ...pod, status: { ...pod.status, conditions } });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) continue;
      failure ??= err;
      continue;
    }
    recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
  }
  if (failure) throw failure;
}
