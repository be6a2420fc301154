// What the default admission plugins (ServiceAccount, Priority, DefaultTolerationSeconds) add to a new pod.
import { describe, expect, it } from 'vitest';
import { admitPod } from '../../src/registry/resources/core/pod-admission.js';

type Obj = Record<string, any>;

const pod = (spec: Obj, annotations?: Obj): Obj => ({ metadata: { name: 'p', ...(annotations ? { annotations } : {}) }, spec });

describe('pod admission', () => {
  it('a plain pod: service account default, its token mounted in every container, priority 0, default tolerations', () => {
    const p = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }] });
    admitPod(p);
    const s = p.spec;
    expect(s.serviceAccountName).toBe('default');
    expect(s.volumes).toHaveLength(2);
    const token = s.volumes[1];
    expect(token.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(token.projected.sources).toEqual([
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    const mount = { name: token.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    expect(s.initContainers[0].volumeMounts).toEqual([mount]);
    expect(s.containers[0].volumeMounts).toEqual([mount]);
    expect(s.containers[1].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, mount]);
    expect(s.priority).toBe(0);
    expect(s.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(s.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps a named service account; no token with automountServiceAccountToken: false', () => {
    const p = pod({ serviceAccountName: 'robot', automountServiceAccountToken: false, containers: [{ name: 'a' }] });
    admitPod(p);
    expect(p.spec.serviceAccountName).toBe('robot');
    expect(p.spec.volumes).toBeUndefined();
    expect(p.spec.containers[0].volumeMounts).toBeUndefined();
  });

  it('no token when a container already mounts something at the token path', () => {
    const own = { name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    const p = pod({ containers: [{ name: 'a', volumeMounts: [own] }, { name: 'b' }], volumes: [{ name: 'mine', secret: { secretName: 's' } }] });
    admitPod(p);
    expect(p.spec.volumes).toEqual([{ name: 'mine', secret: { secretName: 's' } }]);
    expect(p.spec.containers[1].volumeMounts).toBeUndefined();
  });

  it('mirror pods get neither a service account nor a token', () => {
    const p = pod({ containers: [{ name: 'a' }], priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] }, { 'kubernetes.io/config.mirror': 'hash' });
    admitPod(p);
    expect(p.spec.serviceAccountName).toBeUndefined();
    expect(p.spec.volumes).toBeUndefined();
    expect(p.spec.priority).toBe(2000001000);
    // An Exists toleration without a key tolerates both taints already.
    expect(p.spec.tolerations).toEqual([{ operator: 'Exists', effect: 'NoExecute' }]);
  });

  it('system priority classes; an explicit priority and existing tolerations are kept', () => {
    const p = pod({ containers: [{ name: 'a' }], priorityClassName: 'system-cluster-critical', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] });
    admitPod(p);
    expect(p.spec.priority).toBe(2000000000);
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const q = pod({ containers: [{ name: 'a' }], priority: 7, preemptionPolicy: 'Never' });
    admitPod(q);
    expect(q.spec.priority).toBe(7);
    expect(q.spec.preemptionPolicy).toBe('Never');
  });
});
