// Defaults for apps/v1 workloads (upstream pkg/apis/apps/v1/defaults.go).
import { defaultPodTemplate } from './podspec.js';
type Obj = Record<string, any>;

export function defaultDeployment(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}

export function defaultStatefulSet(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') (us.rollingUpdate ??= {}).partition ??= 0;
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  defaultPodTemplate(spec.template);
  // SetObjectDefaults_StatefulSet defaults each claim template as a PersistentVolumeClaim; the v1 encoding carries
  // its apiVersion and kind (what `kubectl get sts -o yaml` shows).
  for (const t of spec.volumeClaimTemplates ?? []) {
    if (!t || typeof t !== 'object') continue;
    t.apiVersion ??= 'v1';
    t.kind ??= 'PersistentVolumeClaim';
    (t.spec ??= {}).volumeMode ??= 'Filesystem';
    (t.status ??= {}).phase ??= 'Pending';
  }
}

export function defaultDaemonSet(o: Obj): void {
  const spec = (o.spec ??= {});
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}
