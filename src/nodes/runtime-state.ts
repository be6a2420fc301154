// What a simulated kubelet remembers about the containers it runs, beyond what the pod status says (upstream keeps
// the same in memory: the crash-loop back-off, the prober workers' results): when a probe outcome began for a
// container instance, and one-off facts such as "its startup probe succeeded at t". A restarted kubelet forgets it.
import { CrashLoopBackoff } from './backoff.js';

export class RuntimeState {
  readonly backoff = new CrashLoopBackoff();
  private readonly onsets = new Map<string, { fails: boolean; since: number }>();
  private readonly marks = new Map<string, number>();

  /**
   * Since when the probe outcome `fails` holds for a container instance (`instance`: pod UID and container ID). The
   * first observation of an instance dates from its start (probes run from the start on); a later change dates from
   * `now`, when the kubelet saw it.
   */
  onset(instance: string, kind: string, fails: boolean, startedAt: number, now: number): number {
    const key = `${instance}|${kind}`;
    const cur = this.onsets.get(key);
    if (cur && cur.fails === fails) return cur.since;
    const since = cur ? now : startedAt;
    this.onsets.set(key, { fails, since });
    return since;
  }

  mark(instance: string, what: string, at: number): void {
    const key = `${instance}|${what}`;
    if (!this.marks.has(key)) this.marks.set(key, at);
  }

  marked(instance: string, what: string): number | undefined {
    return this.marks.get(`${instance}|${what}`);
  }

  unmark(instance: string, what: string): void {
    this.marks.delete(`${instance}|${what}`);
  }

  /** Forgets a pod (by UID) that is gone. */
  forgetPod(uid: string): void {
    this.backoff.forget(`${uid}/`);
    for (const map of [this.onsets, this.marks] as Map<string, unknown>[]) for (const k of map.keys()) if (k.startsWith(`${uid}|`)) map.delete(k);
  }
}
