// The log of one container instance, generated on demand from its program (programs.ts) and its start and end
// times, never stored: any window of it (since a time, the last n lines) is computed directly, so a pod that has run
// for a year of virtual time costs no more than one that just started. Like the kubelet's log files, only the most
// recent lines are kept (older ones are rotated away).
import { rfc3339Nano, hash32 } from './format.js';
import type { LogProgram } from './programs.js';
import type { TimedText } from './shell.js';

/** One log line: its time (ms), the sub-millisecond part of its timestamp (ns), its text. */
export interface LogLine {
  at: number;
  ns: number;
  text: string;
}

/** A container instance: one run of a container, from its start to its end (if it ended). */
export interface Instance {
  id: string;
  start: number;
  end?: number;
  exitCode?: number;
  /** Stopped by the kubelet (pod deletion, failed probe) rather than exiting on its own. */
  stopped?: boolean;
  /** The last line of a simulated crash (kubesim.io/crash-after). */
  crashLine?: string;
}

/** Lines kept per instance (about what the kubelet's default 10 MiB log file holds). */
export const RETAINED_LINES = 50_000;

export class InstanceLog {
  private readonly startup: TimedText[];
  private readonly loop: LogProgram['loop'];
  private readonly endLines: TimedText[];
  private readonly perIteration: number;

  constructor(
    program: LogProgram,
    readonly instance: Instance,
  ) {
    const end = instance.end;
    this.startup = program.startup.filter((l) => end === undefined || l.at <= end);
    this.loop = program.loop && program.loop.periodMs > 0 && program.loop.offsets.length ? program.loop : undefined;
    this.perIteration = this.loop?.offsets.length ?? 0;
    const texts: string[] = [];
    if (end !== undefined) {
      texts.push(...(program.ending?.({ stopped: !!instance.stopped, exitCode: instance.exitCode ?? 0, at: end }) ?? []));
      if (instance.crashLine) texts.push(instance.crashLine);
    }
    this.endLines = texts.map((text) => ({ at: end!, text }));
  }

  private iterationStart(k: number): number {
    const l = this.loop!;
    return l.start + k * l.periodMs + (l.jitter?.(k) ?? 0);
  }

  /** The last loop iteration that began at or before `to` (-1: none). */
  private lastIteration(to: number): number {
    const l = this.loop;
    if (!l || to < l.start) return -1;
    return Math.floor((to - l.start) / l.periodMs);
  }

  /** The first iteration still kept at `to` (older lines are rotated away). */
  private firstRetained(to: number): number {
    const last = this.lastIteration(to);
    return Math.max(0, last - Math.ceil(RETAINED_LINES / Math.max(1, this.perIteration)) + 1);
  }

  private iteration(k: number): TimedText[] {
    const l = this.loop!;
    const begin = this.iterationStart(k);
    const texts = l.render(k, begin);
    const out: TimedText[] = [];
    for (let j = 0; j < texts.length; j++) {
      const at = begin + (l.offsets[j] ?? l.offsets[l.offsets.length - 1] ?? 0);
      if (this.instance.end !== undefined && at >= this.instance.end) break;
      out.push({ at, text: texts[j]! });
    }
    return out;
  }

  /** The lines with from ≤ time ≤ to, in order. */
  range(from: number, to: number): LogLine[] {
    const end = this.instance.end;
    const upto = end === undefined ? to : Math.min(to, end);
    const out: TimedText[] = [];
    const first = this.firstRetained(upto);
    if (first === 0) for (const l of this.startup) if (l.at >= from && l.at <= upto) out.push(l);
    if (this.loop) {
      const lo = Math.max(first, Math.floor((from - this.loop.start) / this.loop.periodMs) - 2);
      const hi = this.lastIteration(upto);
      for (let k = lo; k <= hi && out.length < RETAINED_LINES + this.startup.length; k++) {
        for (const l of this.iteration(k)) if (l.at >= from && l.at <= upto) out.push(l);
      }
    }
    if (end !== undefined && end >= from && end <= to) out.push(...this.endLines);
    return this.finish(out);
  }

  /** The last `n` lines at or before `to`. */
  tail(n: number, to: number): LogLine[] {
    if (n <= 0) return [];
    const end = this.instance.end;
    const upto = end === undefined ? to : Math.min(to, end);
    const out: TimedText[] = [];
    if (end !== undefined && end <= to) out.push(...this.endLines);
    if (this.loop) {
      const first = this.firstRetained(upto);
      for (let k = this.lastIteration(upto); k >= first && out.length < n + this.startup.length + 2 * this.perIteration; k--) {
        for (const l of this.iteration(k)) if (l.at <= upto) out.push(l);
      }
      if (first > 0) return this.finish(out).slice(-n);
    }
    for (const l of this.startup) if (l.at <= upto) out.push(l);
    return this.finish(out).slice(-n);
  }

  /** The lines printed as the instance ended (none while it runs). */
  ending(): LogLine[] {
    return this.finish([...this.endLines]);
  }

  /** Every line kept at `to`. */
  all(to: number): LogLine[] {
    return this.range(-Infinity, to);
  }

  /** The time of the first line after `t` (undefined: no more lines will come). */
  nextAfter(t: number): number | undefined {
    const end = this.instance.end;
    const candidates: number[] = [];
    for (const l of this.startup) if (l.at > t) candidates.push(l.at);
    if (this.loop) {
      const from = Math.max(0, Math.floor((t - this.loop.start) / this.loop.periodMs) - 2);
      for (let k = from; k < from + 6; k++) {
        const next = this.iteration(k).find((l) => l.at > t);
        if (next) {
          candidates.push(next.at);
          break;
        }
      }
    }
    if (end !== undefined && end > t && this.endLines.length) candidates.push(end);
    const next = candidates.length ? Math.min(...candidates) : undefined;
    return next !== undefined && (end === undefined || next <= end) ? next : undefined;
  }

  /** Sorted by time, with nanosecond parts that keep lines of the same millisecond in order. */
  private finish(lines: TimedText[]): LogLine[] {
    const sorted = lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.at - b.l.at || a.i - b.i);
    const out: LogLine[] = [];
    let prevAt = NaN;
    let inMs = 0;
    for (const { l } of sorted) {
      inMs = l.at === prevAt ? inMs + 1 : 0;
      prevAt = l.at;
      const ns = (hash32(`${this.instance.id}|${l.at}`) % 900) * 1000 + Math.min(inMs, 99) * 10 + 1;
      out.push({ at: l.at, ns, text: l.text });
    }
    return out;
  }
}

/** Lines as the kubelet writes them: `<RFC3339Nano> <text>\n` with timestamps, else the text alone. */
export function renderLines(lines: LogLine[], timestamps: boolean): string {
  let out = '';
  for (const l of lines) out += timestamps ? `${rfc3339Nano(l.at, l.ns)} ${l.text}\n` : `${l.text}\n`;
  return out;
}
