// The list of served resources and the lookups derived from it (by URL, by kind, by short name).
import { configmaps } from './resources/core/configmaps.js';
import { endpoints } from './resources/core/endpoints.js';
import { events } from './resources/core/events.js';
import { eventsV1 } from './resources/events/events.js';
import { namespaces } from './resources/core/namespaces.js';
import { nodes } from './resources/core/nodes.js';
import { pods } from './resources/core/pods.js';
import { secrets } from './resources/core/secrets.js';
import { serviceaccounts } from './resources/core/serviceaccounts.js';
import { services } from './resources/core/services.js';
import { persistentvolumeclaims } from './resources/core/persistentvolumeclaims.js';
import { persistentvolumes } from './resources/core/persistentvolumes.js';
import { storageclasses } from './resources/storage/storageclasses.js';
import { controllerrevisions } from './resources/apps/controllerrevisions.js';
import { daemonsets } from './resources/apps/daemonsets.js';
import { deployments } from './resources/apps/deployments.js';
import { replicasets } from './resources/apps/replicasets.js';
import { statefulsets } from './resources/apps/statefulsets.js';
import { leases } from './resources/coordination/leases.js';
import { endpointslices } from './resources/discovery/endpointslices.js';
import { horizontalpodautoscalers } from './resources/autoscaling/horizontalpodautoscalers.js';
import { horizontalpodautoscalersV1 } from './resources/autoscaling/horizontalpodautoscalers-v1.js';
import { cronjobs } from './resources/batch/cronjobs.js';
import { jobs } from './resources/batch/jobs.js';
import { poddisruptionbudgets } from './resources/policy/poddisruptionbudgets.js';
import { nodemetrics, podmetrics } from '../metrics/resources.js';
import { selfsubjectaccessreviews, selfsubjectreviews, selfsubjectrulesreviews } from './resources/authorization/reviews.js';
import { groupVersion, type ResourceDef } from './types.js';
import { compareVersionPriority } from '../crd/version-priority.js';
import { customresourcedefinitions } from '../crd/definition.js';

export const BUILTIN_RESOURCES: ResourceDef[] = [
  namespaces,
  pods,
  nodes,
  services,
  endpoints,
  configmaps,
  secrets,
  serviceaccounts,
  events,
  persistentvolumes,
  persistentvolumeclaims,
  deployments,
  replicasets,
  statefulsets,
  daemonsets,
  controllerrevisions,
  // events.k8s.io follows apps in upstream's group order; a view of the core/v1 events storage.
  eventsV1,
  // autoscaling and batch come right after apps in upstream's group order.
  horizontalpodautoscalers,
  horizontalpodautoscalersV1,
  jobs,
  cronjobs,
  // policy comes after batch (and networking) in upstream's group order.
  poddisruptionbudgets,
  // storage.k8s.io comes before coordination.k8s.io in upstream's group order.
  storageclasses,
  leases,
  endpointslices,
  selfsubjectaccessreviews,
  selfsubjectrulesreviews,
  selfsubjectreviews,
  customresourcedefinitions,
  // metrics.k8s.io is served by an aggregated API server, listed after the built-in groups.
  nodemetrics,
  podmetrics,
];

export interface GroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

/** What changed in a catalogue (custom resources come and go while the server runs). */
export interface CatalogChange {
  added: ResourceDef[];
  removed: ResourceDef[];
}

export class Catalog {
  private readonly byPath = new Map<string, ResourceDef>();
  private readonly byKind = new Map<string, ResourceDef>();
  private readonly listeners = new Set<(change: CatalogChange) => void>();
  /** The served resources, in registration order (a private copy: the catalogue is mutable). */
  readonly resources: ResourceDef[];
  /** Bumped on every change, so derived documents (OpenAPI) know when to rebuild. */
  generation = 0;

  constructor(resources: ResourceDef[]) {
    this.resources = [...resources];
    for (const r of this.resources) this.index(r);
  }

  private index(r: ResourceDef): void {
    this.byPath.set(`${groupVersion(r)}/${r.plural}`, r);
    this.byKind.set(`${groupVersion(r)}/${r.kind}`, r);
  }

  /** Serves `defs`, replacing whatever was served at the same group/version/plural (custom resources, at runtime). */
  add(defs: ResourceDef[]): void {
    const replaced: ResourceDef[] = [];
    for (const d of defs) {
      const old = this.lookup(d.group, d.version, d.plural);
      if (old) {
        replaced.push(old);
        this.resources.splice(this.resources.indexOf(old), 1);
        if (this.byKind.get(`${groupVersion(old)}/${old.kind}`) === old) this.byKind.delete(`${groupVersion(old)}/${old.kind}`);
      }
      this.resources.push(d);
      this.index(d);
    }
    this.changed({ added: defs, removed: replaced });
  }

  /** Stops serving `defs` (a deleted CustomResourceDefinition, or one of its versions). */
  remove(defs: ResourceDef[]): void {
    const removed = defs.filter((d) => this.resources.includes(d));
    for (const d of removed) {
      this.resources.splice(this.resources.indexOf(d), 1);
      if (this.byPath.get(`${groupVersion(d)}/${d.plural}`) === d) this.byPath.delete(`${groupVersion(d)}/${d.plural}`);
      if (this.byKind.get(`${groupVersion(d)}/${d.kind}`) === d) this.byKind.delete(`${groupVersion(d)}/${d.kind}`);
    }
    if (removed.length) this.changed({ added: [], removed });
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  onChange(fn: (change: CatalogChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(change: CatalogChange): void {
    this.generation++;
    for (const fn of [...this.listeners]) fn(change);
  }

  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.byPath.get(`${group ? `${group}/` : ''}${version}/${plural}`);
  }

  lookupKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.resources.some((r) => r.group === group && r.version === version);
  }

  /** Named groups in the order upstream lists them (registration order); custom resource groups list their versions
   * by priority (v1 before v1beta1 before v1alpha1) and prefer the first, like the apiextensions discovery. */
  groups(): GroupInfo[] {
    const out = new Map<string, GroupInfo & { custom: boolean }>();
    for (const r of this.resources) {
      if (!r.group) continue;
      const g = out.get(r.group) ?? { name: r.group, versions: [], preferredVersion: r.version, custom: false };
      if (!g.versions.includes(r.version)) g.versions.push(r.version);
      if (r.custom) g.custom = true;
      out.set(r.group, g);
    }
    return [...out.values()].map(({ custom, ...g }) => {
      if (!custom) return g;
      const versions = [...g.versions].sort(compareVersionPriority);
      return { ...g, versions, preferredVersion: versions[0]! };
    });
  }

  resourcesOf(group: string, version: string): ResourceDef[] {
    const out = this.resources.filter((r) => r.group === group && r.version === version);
    // Custom resources are listed by name, as the apiextensions discovery does.
    return out.some((r) => r.custom) ? out.sort((a, b) => (a.custom && b.custom ? (a.plural < b.plural ? -1 : 1) : 0)) : out;
  }

  /** One definition per resource: the group's preferred version where served, else the first served one (what the
   * garbage collector and namespace deletion work on, like upstream's ServerPreferredResources). */
  preferred(): ResourceDef[] {
    const preferredOf = new Map(this.groups().map((g) => [g.name, g.preferredVersion]));
    const best = new Map<string, ResourceDef>();
    for (const r of this.resources) {
      const key = `${r.group}/${r.plural}`;
      const cur = best.get(key);
      if (!cur || (cur.version !== preferredOf.get(r.group) && (r.version === preferredOf.get(r.group) || compareVersionPriority(r.version, cur.version) < 0))) best.set(key, r);
    }
    return [...best.values()];
  }
}
