// Endpoints and EndpointSlices for every Service with a selector (upstream endpoint-controller and
// endpointslice-controller): ready pods as addresses, not-ready ones as notReadyAddresses / ready=false, one
// subset or slice per distinct port set.
import type { ComponentContext } from '../../client/component.js';
import { keyOf, splitKey } from '../../client/informer.js';
import { rfc3339 } from '../../clock.js';
import { isDeepStrictEqual } from 'node:util';
import type { Obj } from '../../registry/types.js';
import type { WorkQueueOptions } from '../../client/workqueue.js';
import { Controller } from '../controller.js';
import { backendsFor, resolvePort, targetRef, type Backend, type ResolvedPort } from './backends.js';

const MANAGED_BY = 'endpointslice-controller.k8s.io';

export class EndpointsController extends Controller {
  readonly name = 'endpoints-controller';

  /** Every pod change of an object enqueues it and its sync walks all its pods: a turn's burst costs one sync. */
  protected override queueOptions(): WorkQueueOptions {
    return { batched: true };
  }

  protected setup(ctx: ComponentContext): void {
    const services = ctx.informers.for('', 'v1', 'services');
    services.addHandlers({ onAdd: (o) => this.queue.add(keyOf(o)), onUpdate: (_, o) => this.queue.add(keyOf(o)), onDelete: (o) => this.queue.add(keyOf(o)) });
    // A pod change touches the services of its namespace (cheap enough at simulator scale, and level-triggered).
    const podChanged = (pod: Obj) => {
      for (const svc of services.list()) if (svc.metadata?.namespace === pod.metadata?.namespace && svc.spec?.selector) this.queue.add(keyOf(svc));
    };
    ctx.informers.pods.addHandlers({ onAdd: podChanged, onUpdate: (_, p) => podChanged(p), onDelete: podChanged });
  }

  async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const { client, informers, clock } = this.ctx;
    const svc = informers.for('', 'v1', 'services').get(key);
    const endpoints = client.resource('', 'v1', 'endpoints');
    const slices = client.resource('discovery.k8s.io', 'v1', 'endpointslices');
    const ownSlices = slices.list(namespace, { labelSelector: `kubernetes.io/service-name=${name},endpointslice.kubernetes.io/managed-by=${MANAGED_BY}` }).items;
    if (!svc || !svc.spec?.selector || !Object.keys(svc.spec.selector).length) {
      // Services without a selector manage their own Endpoints; a deleted service loses ours.
      if (!svc && endpoints.get(namespace, name)) await endpoints.delete(namespace, name);
      for (const s of ownSlices) await slices.delete(namespace, s.metadata.name);
      return;
    }
    const backends = backendsFor(svc, informers.pods.list());
    await this.syncEndpoints(svc, backends, rfc3339(clock.now()));
    await this.syncSlice(svc, backends, ownSlices);
  }

  private async syncEndpoints(svc: Obj, backends: Backend[], now: string): Promise<void> {
    const { namespace, name } = svc.metadata;
    const rc = this.ctx.client.resource('', 'v1', 'endpoints');
    const subsets = buildSubsets(svc, backends);
    const current = rc.get(namespace, name);
    const labels = { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
    if (!current) {
      await rc.create(namespace, { metadata: { name, labels, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': now } }, subsets });
    } else if (!isDeepStrictEqual(current.subsets ?? [], subsets) || !isDeepStrictEqual(current.metadata.labels ?? {}, labels)) {
      await rc.update({ ...current, metadata: { ...current.metadata, labels }, subsets });
    }
  }

  private async syncSlice(svc: Obj, backends: Backend[], existing: Obj[]): Promise<void> {
    const { namespace, name } = svc.metadata;
    const rc = this.ctx.client.resource('discovery.k8s.io', 'v1', 'endpointslices');
    const ports = sliceTemplatePorts(svc, backends);
    const endpoints = backends.map((b) => {
      const e: Obj = { addresses: [b.ip], conditions: { ready: b.ready, serving: b.ready || (b.terminating && podReady(b.pod)), terminating: b.terminating }, targetRef: targetRef(b.pod) };
      if (b.pod.spec?.nodeName) e.nodeName = b.pod.spec.nodeName;
      return e;
    });
    const body = {
      metadata: {
        generateName: `${name}-`,
        labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints,
      ports,
    };
    const [first, ...extra] = existing;
    for (const s of extra) await rc.delete(namespace, s.metadata.name);
    if (!first) {
      await rc.create(namespace, body);
    } else if (!isDeepStrictEqual(first.endpoints ?? [], endpoints) || !isDeepStrictEqual(first.ports ?? [], ports)) {
      await rc.update({ ...first, endpoints, ports });
    }
  }
}

function podReady(pod: Obj): boolean {
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

/** Groups addresses by their resolved port set, like upstream's repacking of subsets. */
function buildSubsets(svc: Obj, backends: Backend[]): Obj[] {
  const groups = new Map<string, { ports: ResolvedPort[]; addresses: Obj[]; notReady: Obj[] }>();
  for (const b of backends) {
    const ports = (svc.spec.ports ?? []).map((p: Obj) => resolvePort(p, b.pod)).filter(Boolean) as ResolvedPort[];
    if (!ports.length) continue;
    const k = JSON.stringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, addresses: [], notReady: [] }));
    const addr: Obj = { ip: b.ip, targetRef: targetRef(b.pod) };
    if (b.pod.spec?.nodeName) addr.nodeName = b.pod.spec.nodeName;
    (b.ready ? g.addresses : g.notReady).push(addr);
  }
  return [...groups.values()].map((g) => {
    const s: Obj = { ports: g.ports };
    if (g.addresses.length) s.addresses = g.addresses;
    if (g.notReady.length) s.notReadyAddresses = g.notReady;
    return s;
  });
}

function sliceTemplatePorts(svc: Obj, backends: Backend[]): Obj[] {
  const first = backends[0]?.pod;
  return (svc.spec.ports ?? [])
    .map((p: Obj) => (first ? resolvePort(p, first) : undefined) ?? { name: p.name, port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP' })
    .map((p: ResolvedPort) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol }));
}
