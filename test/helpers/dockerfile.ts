// Reading the repository's Dockerfile with a real parser (dockerfile-ast), for the container tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { REPO_ROOT } from './cli.js';

export const dockerfile = DockerfileParser.parse(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
export const instructions = dockerfile.getInstructions();
export const froms = dockerfile.getFROMs();
/** The instructions of the last stage (the runtime image). */
export const runtime = instructions.filter((i) => i.getRange().start.line > froms[froms.length - 1].getRange().start.line);
/** The instructions with this keyword (of the runtime stage unless `list` is given). */
export const of = (keyword: string, list: Instruction[] = runtime) => list.filter((i) => i.getKeyword() === keyword);
/** Shell-form arguments, split like the parser does. */
export const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
/** The instruction's flags (--from=build, --interval=10s) as name -> value. */
export const flags = (i: Instruction): Record<string, string | null> =>
  Object.fromEntries(((i as Instruction & { getFlags?(): { getName(): string; getValue(): string | null }[] }).getFlags?.() ?? []).map((f) => [f.getName(), f.getValue()]));
/** Exec-form (JSON array) arguments. */
export const jsonArgs = (i: Instruction) => JSON.parse(i.getArgumentsContent() ?? '[]') as string[];

/** ENV of the runtime stage: what the container's process sees. */
export function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of dockerfile.getENVs().filter((i) => runtime.includes(i))) for (const p of e.getProperties()) env[p.getName()] = p.getValue() ?? '';
  return env;
}

/** The container's command: ENTRYPOINT followed by CMD. */
export function imageCommand(): string[] {
  return [...jsonArgs(of('ENTRYPOINT')[0]), ...jsonArgs(of('CMD')[0])];
}

/** The HEALTHCHECK's exec-form command. */
export function healthcheckCommand(): string[] {
  const content = of('HEALTHCHECK')[0].getArgumentsContent()!.replace(/\\\n/g, ' ');
  return JSON.parse(/CMD\s+(\[.*\])\s*$/s.exec(content)![1]) as string[];
}
