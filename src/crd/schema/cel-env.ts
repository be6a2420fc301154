// The CEL environment of x-kubernetes-validations rules: `self` and `oldSelf` plus a few of the Kubernetes CEL
// libraries rules commonly use (lists: isSorted/sum/min/max/indexOf/lastIndexOf; regex: find/findAll; url: isURL).
// The expression language itself comes from @marcbachmann/cel-js (strings, macros, timestamps, optionals).
import { createRequire } from 'node:module';
import type { Environment, ParseResult } from '@marcbachmann/cel-js';

type CelJs = typeof import('@marcbachmann/cel-js');
let celJs: CelJs | undefined;

/**
 * @marcbachmann/cel-js, loaded on first use: only CRDs with x-kubernetes-validations need it, and loading it costs
 * start-up time. Synchronous (require of an ES module, Node 20.19+ and 22.12+), so the validation code stays
 * synchronous; on an older Node, preloadCelLibrary() has loaded it at start.
 */
export function celLibrary(): CelJs {
  return (celJs ??= createRequire(import.meta.url)('@marcbachmann/cel-js') as CelJs);
}

/** Loads the library now where require() cannot load an ES module (Node before 20.19), as a static import would. */
export async function preloadCelLibrary(): Promise<void> {
  if (!celJs && !(process.features as { require_module?: boolean }).require_module) celJs = await import('@marcbachmann/cel-js');
}

function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  const x = Number(a);
  const y = Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return x - y;
}

function build(optionalOldSelf: boolean): Environment {
  const env = new (celLibrary().Environment)({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
    .registerVariable('self', 'dyn')
    // optionalOldSelf rules see oldSelf as an optional (upstream declares it optional_type(T) for them).
    .registerVariable('oldSelf', optionalOldSelf ? 'optional<dyn>' : 'dyn')
    .registerFunction('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || cmp(l[i - 1], x) <= 0))
    .registerFunction('list.sum(): dyn', (l: unknown[]) => (l.length && typeof l[0] === 'number' ? (l as number[]).reduce((a, b) => a + b, 0) : (l as bigint[]).reduce((a, b) => a + b, 0n)))
    .registerFunction('list.min(): dyn', (l: unknown[]) => [...l].sort(cmp)[0])
    .registerFunction('list.max(): dyn', (l: unknown[]) => [...l].sort(cmp).pop())
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => cmp(x, y) === 0 && typeof x === typeof y)))
    .registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (cmp(x, l[i]) === 0 && typeof x === typeof l[i]) return BigInt(i);
      return -1n;
    })
    .registerFunction('string.find(string): string', (s: string, re: string) => new RegExp(re, 'u').exec(s)?.[0] ?? '')
    .registerFunction('string.findAll(string): list<string>', (s: string, re: string) => [...s.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]))
    .registerFunction('isURL(string): bool', (s: string) => {
      try {
        return Boolean(new URL(s));
      } catch {
        return false;
      }
    });
  return env;
}

const envs: (Environment | undefined)[] = [undefined, undefined];
const programs = new Map<string, ParseResult | Error>();

/** The compiled expression (cached by text), or the compile error. */
export function compile(expression: string, optionalOldSelf = false): ParseResult | Error {
  const env = (envs[optionalOldSelf ? 1 : 0] ??= build(optionalOldSelf));
  const key = `${optionalOldSelf ? '?' : ' '}${expression}`;
  let p = programs.get(key);
  if (!p) {
    try {
      p = env.parse(expression);
    } catch (err) {
      p = err instanceof Error ? err : new Error(String(err));
    }
    programs.set(key, p);
  }
  return p;
}

/** The first line of a cel-js error, lower-cased like cel-go's runtime errors ("no such key: x"). */
export function celErrorText(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Whether an expression reads `oldSelf` (a transition rule, only evaluated on updates with an old value). */
export function usesOldSelf(expression: string): boolean {
  return /\boldSelf\b/.test(expression);
}
