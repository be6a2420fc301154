// The simulated container runtime behind the kubelet's streaming endpoints, one per API server: it reads pods and
// their ConfigMaps, Secrets, Services and Nodes from the store, keeps each container's writable filesystem layer
// for the container's lifetime, and carries what containers print (web server access logs) to attached clients.
import { EventEmitter } from 'node:events';
import type { Clock } from '../../clock.js';
import { containerProcesses } from '../../nodes/interactive.js';
import { configmaps } from '../../registry/resources/core/configmaps.js';
import { endpoints } from '../../registry/resources/core/endpoints.js';
import { nodes } from '../../registry/resources/core/nodes.js';
import { pods } from '../../registry/resources/core/pods.js';
import { secrets } from '../../registry/resources/core/secrets.js';
import { services } from '../../registry/resources/core/services.js';
import type { GenericStore } from '../../registry/store.js';
import type { ResourceDef } from '../../registry/types.js';
import type { Overlay } from '../shell/fs.js';
import { VirtualFS } from '../shell/fs.js';
import type { Interrupter, ShellHost, Terminal } from '../shell/interp.js';
import { commandsFor } from './commands-available.js';
import { containerEnvironment, type EnvSources } from './env.js';
import { baseFilesystem, podHostname } from './files.js';
import { MainProcess } from './main-process.js';
import { Network } from './network.js';
import { imageProfile } from './profile.js';
import { containerStatus } from './status.js';

type Obj = Record<string, any>;

/** Writable layers kept at most (oldest dropped first): one per container that was written to. */
const MAX_OVERLAYS = 2000;
/** Main processes kept at most (exited ones dropped first, then the oldest). */
const MAX_PROCESSES = 1000;

export class StreamsRuntime {
  readonly sources: EnvSources;
  readonly network: Network;
  private readonly overlays = new Map<string, Overlay>();
  private readonly output = new EventEmitter();
  private readonly processes = new Map<string, MainProcess>();

  constructor(
    readonly store: GenericStore,
    readonly clock: Clock,
    readonly log?: (line: string) => void,
  ) {
    this.output.setMaxListeners(0);
    this.sources = {
      configMap: (ns, name) => this.get(configmaps, ns, name),
      secret: (ns, name) => this.get(secrets, ns, name),
      services: (ns) => this.list(services, ns),
      node: (name) => (name ? this.get(nodes, undefined, name) : undefined),
    };
    this.network = new Network(this);
    // The kubelet stopped a pod's containers: their processes end (held weakly: a runtime goes with its store).
    const self = new WeakRef(this);
    const off = containerProcesses.onPodGone((uid) => {
      const r = self.deref();
      if (r) r.killPod(uid);
      else off();
    });
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): Obj | undefined {
    try {
      return this.store.get(def, namespace, name).object as Obj;
    } catch {
      return undefined;
    }
  }

  list(def: ResourceDef, namespace?: string): Obj[] {
    return this.store.list(def, { namespace }).items.map((i) => i.object as Obj);
  }

  pod(namespace: string, name: string): Obj | undefined {
    return this.get(pods, namespace, name);
  }

  pods(namespace?: string): Obj[] {
    return this.list(pods, namespace);
  }

  service(namespace: string, name: string): Obj | undefined {
    return this.get(services, namespace, name);
  }

  endpoints(namespace: string, name: string): Obj | undefined {
    return this.get(endpoints, namespace, name);
  }

  allServices(): Obj[] {
    return this.list(services);
  }

  node(name: string): Obj | undefined {
    return this.get(nodes, undefined, name);
  }

  dnsIP(): string {
    return this.service('kube-system', 'kube-dns')?.spec?.clusterIP || '10.96.0.10';
  }

  /** The container's writable layer: a new container (restart, new pod) starts from the image again. */
  overlay(pod: Obj, container: Obj): Overlay {
    const status = (pod.status?.containerStatuses ?? []).find((s: Obj) => s.name === container.name);
    const key = `${pod.metadata?.uid}/${container.name}/${status?.containerID ?? ''}`;
    let o = this.overlays.get(key);
    if (!o) {
      o = new Map();
      this.overlays.set(key, o);
      if (this.overlays.size > MAX_OVERLAYS) this.overlays.delete(this.overlays.keys().next().value!);
    }
    return o;
  }

  /** A container's filesystem: its base image plus its writable layer. */
  filesystem(pod: Obj, container: Obj): VirtualFS {
    const profile = imageProfile(container.image);
    const started = Date.parse(containerStatus(pod, container.name)?.state?.running?.startedAt ?? '') || this.clock.now();
    const base = baseFilesystem({ pod, container, profile, hostname: podHostname(pod), dnsIP: this.dnsIP(), sources: this.sources, started });
    return new VirtualFS(base, this.overlay(pod, container), () => this.clock.now());
  }

  environment(pod: Obj, container: Obj, tty: boolean): [string, string][] {
    return containerEnvironment(pod, container, imageProfile(container.image), this.sources, { hostname: podHostname(pod), tty });
  }

  /** The container as a shell sees it. */
  host(pod: Obj, container: Obj, terminal: Terminal, interrupts: Interrupter): ShellHost {
    const profile = imageProfile(container.image);
    const main = [...(container.command ?? []), ...(container.args ?? [])].join(' ') || profile.mainProcess;
    let nextPid = 7;
    return {
      profile,
      hostname: podHostname(pod),
      fs: this.filesystem(pod, container),
      clock: this.clock,
      pod,
      container,
      programs: new Set(commandsFor(profile)),
      terminal,
      interrupts,
      fetch: (url, opts) => this.network.fetch(pod, url, opts),
      resolve: (name) => this.network.resolve(pod, name),
      processes: () => [
        { pid: 1, command: main },
        { pid: (nextPid += 6), command: 'ps' },
      ],
    };
  }

  /**
   * The main process of a container instance that reads its stdin (started at the first attach: what it printed
   * before that is not replayed anyway). Its exit is reported to the kubelet, which then terminates the container.
   */
  mainProcess(pod: Obj, container: Obj, argv: string[]): MainProcess {
    const uid: string = pod.metadata?.uid ?? '';
    const containerID: string | undefined = containerStatus(pod, container.name)?.containerID;
    const key = `${uid}/${container.name}/${containerID ?? ''}`;
    let p = this.processes.get(key);
    if (p) return p;
    const ref = { uid, namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', container: container.name };
    p = new MainProcess(
      this,
      pod,
      container,
      argv,
      (code, killed) => {
        if (!killed) containerProcesses.exited(ref, containerID, { code, at: this.clock.now() });
      },
      (text) => containerProcesses.output(ref, containerID, this.clock.now(), text),
    );
    this.processes.set(key, p);
    if (this.processes.size > MAX_PROCESSES) {
      const victim = [...this.processes].find(([, x]) => x.exited) ?? [...this.processes][0];
      this.processes.delete(victim[0]);
      victim[1].kill();
    }
    return p;
  }

  /** Ends the processes of a pod that is gone. */
  killPod(uid: string): void {
    for (const [k, p] of [...this.processes]) {
      if (!k.startsWith(`${uid}/`)) continue;
      this.processes.delete(k);
      p.kill();
    }
  }

  /** Something the container printed on stdout (an access log line): attached clients see it. */
  emitOutput(pod: Obj, container: string, line: string): void {
    this.output.emit(`${pod.metadata?.uid}/${container}`, line);
  }

  onOutput(pod: Obj, container: string, fn: (line: string) => void): () => void {
    const key = `${pod.metadata?.uid}/${container}`;
    this.output.on(key, fn);
    return () => this.output.off(key, fn);
  }
}
