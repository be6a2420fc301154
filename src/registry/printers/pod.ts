// The pod columns as upstream's printPod derives them (READY, STATUS, RESTARTS and the wide columns).
import { age, humanDuration } from '../../machinery/duration.js';
type Obj = Record<string, any>;

/** The finish time of a container's last termination, in ms (0 when none). */
function lastTerminated(cs: Obj): number {
  const finished = cs.lastState?.terminated?.finishedAt;
  const t = finished ? Date.parse(finished) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** A sidecar: an init container with restartPolicy Always (upstream isRestartableInitContainer). */
function isRestartable(c: Obj | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function conditionTrue(status: Obj, type: string): boolean {
  return (status.conditions ?? []).some((c: Obj) => c?.type === type && c?.status === 'True');
}

export function podCells(pod: Obj, now: number): unknown[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const statuses: Obj[] = status.containerStatuses ?? [];
  const initContainers: Obj[] = spec.initContainers ?? [];
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let ready = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  const phase: string = status.phase ?? '';
  let reason: string = phase;
  if (status.reason) reason = status.reason;
  // A pod held back by scheduling gates says so.
  for (const c of status.conditions ?? []) {
    if (c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, Obj>();
  for (const c of initContainers) {
    initByName.set(c?.name, c);
    if (isRestartable(c)) totalContainers++;
  }

  // Init containers first: a pod still initialising shows Init:x/y or the init container's failure. The first init
  // container that has not completed decides (upstream printPod breaks there).
  let initializing = false;
  const initStatuses: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, lastTerminated(cs));
    const sidecar = isRestartable(initByName.get(cs.name));
    if (sidecar) {
      restartableInitRestarts += cs.restartCount ?? 0;
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, lastTerminated(cs));
    }
    const term = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready) ready++;
      continue;
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      else reason = `Init:${term.reason}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, lastTerminated(cs));
      const st = cs.state ?? {};
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated?.reason) reason = st.terminated.reason;
      else if (st.terminated) reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode ?? 0}`;
      else if (cs.ready && st.running) {
        hasRunning = true;
        ready++;
      }
    }
    // Change a Completed pod with a running container back to Running (or NotReady), as upstream does.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  // A pod on a lost node is Unknown; a deleting pod that has not finished is Terminating.
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const gates: Obj[] = spec.readinessGates ?? [];
  let gatesCell = '<none>';
  if (gates.length) {
    const conds: Obj[] = status.conditions ?? [];
    // The first condition of each gate's type counts (upstream breaks at it).
    const trueGates = gates.filter((g) => conds.find((c) => c?.type === g?.conditionType)?.status === 'True').length;
    gatesCell = `${trueGates}/${gates.length}`;
  }
  // status.podIPs[0] (the v1 conversion fills podIPs from podIP when only podIP is set).
  const podIP = status.podIPs?.[0]?.ip || status.podIP;
  return [
    pod.metadata?.name,
    `${ready}/${totalContainers}`,
    reason,
    restarts !== 0 && lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts),
    age(pod.metadata?.creationTimestamp, now),
    podIP || '<none>',
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    gatesCell,
  ];
}
