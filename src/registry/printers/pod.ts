// The pod columns as upstream's printPod derives them (READY, STATUS, RESTARTS and the wide columns).
import { age, humanDuration } from '../../machinery/duration.js';
type Obj = Record<string, any>;

function lastTerminationAgo(statuses: Obj[], now: number): string {
  let latest = 0;
  for (const cs of statuses) {
    const finished = cs.lastState?.terminated?.finishedAt;
    if (finished) latest = Math.max(latest, Date.parse(finished));
  }
  return latest ? ` (${humanDuration(now - latest)} ago)` : '';
}

export function podCells(pod: Obj, now: number): unknown[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const containers: Obj[] = spec.containers ?? [];
  const statuses: Obj[] = status.containerStatuses ?? [];
  let restarts = 0;
  let ready = 0;
  let reason: string = status.phase ?? '';
  if (status.reason) reason = status.reason;

  // Init containers first: a pod still initialising shows Init:x/y or the init container's failure.
  let initializing = false;
  const initStatuses: Obj[] = status.initContainerStatuses ?? [];
  initStatuses.forEach((cs, i) => {
    restarts += cs.restartCount ?? 0;
    const term = cs.state?.terminated;
    if (term && term.exitCode === 0) return;
    if (initializing) return;
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    } else if (cs.state?.waiting?.reason && cs.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${cs.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
  });

  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      const st = cs.state ?? {};
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated?.reason) reason = st.terminated.reason;
      else if (st.terminated) reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode}`;
      else if (st.running && cs.ready) {
        hasRunning = true;
        ready++;
      }
    }
    // Change a Completed pod with a running container back to Running (or NotReady), as upstream does.
    if (reason === 'Completed' && hasRunning) {
      const readyCond = (status.conditions ?? []).find((c: Obj) => c.type === 'Ready');
      reason = readyCond?.status === 'True' ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp) reason = 'Terminating';

  const gates: Obj[] = spec.readinessGates ?? [];
  let gatesCell = '<none>';
  if (gates.length) {
    const conds: Obj[] = status.conditions ?? [];
    const trueGates = gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === 'True')).length;
    gatesCell = `${trueGates}/${gates.length}`;
  }
  return [
    pod.metadata?.name,
    `${ready}/${containers.length}`,
    reason,
    `${restarts}${restarts > 0 ? lastTerminationAgo(statuses, now) : ''}`,
    age(pod.metadata?.creationTimestamp, now),
    status.podIP || '<none>',
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    gatesCell,
  ];
}
