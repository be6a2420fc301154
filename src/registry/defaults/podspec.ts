// Defaults for a PodSpec (upstream k8s.io/kubernetes/pkg/apis/core/v1/defaults.go SetDefaults_PodSpec, _Container,
// _Probe ...), applied to pods and to every pod template. Only fields that are absent are filled.
type Obj = Record<string, any>;

function setIfAbsent(o: Obj, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

function imageTagIsLatest(image: string): boolean {
  if (image.includes('@')) return false;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon < 0 || image.slice(colon + 1) === 'latest';
}

function defaultContainer(c: Obj): void {
  setIfAbsent(c, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(c, 'terminationMessagePolicy', 'File');
  if (typeof c.image === 'string') setIfAbsent(c, 'imagePullPolicy', imageTagIsLatest(c.image) ? 'Always' : 'IfNotPresent');
  setIfAbsent(c, 'resources', {});
  for (const p of c.ports ?? []) setIfAbsent(p, 'protocol', 'TCP');
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    setIfAbsent(probe, 'timeoutSeconds', 1);
    setIfAbsent(probe, 'periodSeconds', 10);
    setIfAbsent(probe, 'successThreshold', 1);
    setIfAbsent(probe, 'failureThreshold', 3);
    if (probe.httpGet) setIfAbsent(probe.httpGet, 'scheme', 'HTTP');
  }
  // Limits without requests default the requests (SetDefaults_ResourceList behaviour for containers).
  const r = c.resources;
  if (r?.limits && typeof r.limits === 'object') {
    r.requests = { ...r.limits, ...(r.requests ?? {}) };
  }
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  setIfAbsent(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfAbsent(spec, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'schedulerName', 'default-scheduler');
  // v1 conversion: serviceAccount (deprecated) fills an empty serviceAccountName, and always reads back as it.
  if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const c of spec.initContainers ?? []) if (c && typeof c === 'object') defaultContainer(c);
  for (const c of spec.containers ?? []) if (c && typeof c === 'object') defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v?.secret) setIfAbsent(v.secret, 'defaultMode', 420);
    if (v?.configMap) setIfAbsent(v.configMap, 'defaultMode', 420);
    if (v?.projected) setIfAbsent(v.projected, 'defaultMode', 420);
  }
}

export function defaultPodTemplate(template: Obj | undefined): void {
  if (!template || typeof template !== 'object') return;
  defaultPodSpec(template.spec);
}
