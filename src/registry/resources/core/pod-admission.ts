// What kube-apiserver's default mutating admission plugins add to every new pod, so `get pod -o yaml` and
// `describe pod` show what they show against a real cluster:
//   - ServiceAccount: serviceAccountName "default", and the projected kube-api-access-xxxxx token volume mounted
//     read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container (not for mirror pods, nor with
//     automountServiceAccountToken: false on the pod);
//   - Priority: spec.priority from the priority class (the two built-in system classes, else 0) and
//     preemptionPolicy PreemptLowerPriority;
//   - DefaultTolerationSeconds: NoExecute tolerations of node.kubernetes.io/not-ready and /unreachable for 300 s.
// kubesim serves no PriorityClass objects and does not read the ServiceAccount here (so its own
// automountServiceAccountToken is not consulted, and a missing service account is not an error).
import { randomInt } from 'node:crypto';
type Obj = Record<string, any>;

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
// utilrand.String's alphabet: no vowels, no easily confused characters.
const RAND_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += RAND_ALPHABET[randomInt(RAND_ALPHABET.length)];
  return s;
}

function objects(list: unknown): Obj[] {
  return Array.isArray(list) ? list.filter((x): x is Obj => x !== null && typeof x === 'object') : [];
}

function mountServiceAccountToken(spec: Obj): void {
  const containers = [...objects(spec.initContainers), ...objects(spec.containers)];
  // A pod that mounts something at the token path itself keeps it (upstream checks every container).
  if (containers.some((c) => objects(c.volumeMounts).some((m) => m.mountPath === TOKEN_MOUNT_PATH))) return;
  const name = `kube-api-access-${randomSuffix(5)}`;
  spec.volumes = [
    ...(Array.isArray(spec.volumes) ? spec.volumes : []),
    {
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ];
  for (const c of containers) c.volumeMounts = [...objects(c.volumeMounts), { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
}

function addDefaultTolerations(spec: Obj): void {
  const tolerations = objects(spec.tolerations);
  const tolerates = (key: string) => tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
  const add: Obj[] = [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerates(key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  if (add.length) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...add];
}

/** Mutates a pod being created the way the ServiceAccount, Priority and DefaultTolerationSeconds plugins do. */
export function admitPod(pod: Obj): void {
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
  const mirror = pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined;
  if (!mirror) {
    if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
    if (spec.automountServiceAccountToken !== false) mountServiceAccountToken(spec);
  }
  if (spec.priority === undefined || spec.priority === null) spec.priority = SYSTEM_PRIORITIES[spec.priorityClassName] ?? 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  addDefaultTolerations(spec);
}
