// The container image, without a Docker engine: the Dockerfile is parsed (dockerfile-ast) and checked for what the
// image must have. (Its ENTRYPOINT + CMD are run with the image's environment in cli-extras.test.ts, which builds
// dist/ anyway.)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { args, flags, froms, healthcheckCommand, imageCommand, imageEnv, instructions, jsonArgs, of, runtime } from '../helpers/dockerfile.js';

describe('Dockerfile', () => {
  it('is a multi-stage build onto a small Node 20 runtime image', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[0].getBuildStage()).toBe('build');
    const base = froms[froms.length - 1];
    expect(base.getImageName()).toBe('node');
    expect(base.getImageTag()).toMatch(/^20(\.[\d.]+)?-(bookworm-slim|slim|alpine[\d.]*)$/);
    // The runtime stage takes the build's output, not the sources.
    const fromBuild = of('COPY').filter((c) => flags(c).from === 'build');
    expect(fromBuild.map((c) => args(c)[0])).toEqual(expect.arrayContaining(['/src/dist', '/src/node_modules', '/src/bin', '/src/openapi']));
    expect(of('COPY').some((c) => args(c)[0] === 'fixtures')).toBe(true);
    expect(of('COPY').some((c) => args(c).includes('src') || args(c).includes('./src'))).toBe(false);
    // Dev dependencies are dropped before the copy.
    expect(of('RUN', instructions).some((r) => /npm prune --omit=dev/.test(r.getArgumentsContent() ?? ''))).toBe(true);
  });

  it('runs as a non-root user, exposes 6443, keeps /data in a volume, checks /readyz', () => {
    const users = of('USER');
    expect(users).toHaveLength(1);
    expect(args(users[0])[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(of('EXPOSE').flatMap(args)).toContain('6443');
    expect(of('VOLUME').flatMap((v) => (v.getArgumentsContent()!.trim().startsWith('[') ? jsonArgs(v) : args(v)))).toEqual(['/data']);
    const [health] = of('HEALTHCHECK');
    expect(flags(health)).toMatchObject({ interval: expect.stringMatching(/^\d+s$/), timeout: expect.stringMatching(/^\d+s$/) });
    expect(health.getArgumentsContent()).toMatch(/\/readyz/);
    // The user owns the data directory; the volume is declared after the ownership change (else it is lost).
    const chown = of('RUN').findIndex((r) => /chown node:node \/data/.test(r.getArgumentsContent() ?? ''));
    expect(chown).toBeGreaterThanOrEqual(0);
    expect(runtime.indexOf(of('RUN')[chown])).toBeLessThan(runtime.indexOf(of('VOLUME')[0]));
  });

  it('configures kubesim through KUBESIM_* variables it reads: all interfaces, the data volume', () => {
    const env = imageEnv();
    expect(env).toMatchObject({ KUBESIM_HOST: '0.0.0.0', KUBESIM_PORT: '6443', KUBESIM_DATA_DIR: '/data', KUBESIM_KUBECONFIG: '/data/kubeconfig' });
    const config = readFileSync(path.join(REPO_ROOT, 'src', 'config.ts'), 'utf8');
    for (const name of Object.keys(env).filter((k) => k.startsWith('KUBESIM_'))) expect(config, name).toContain(`env.${name}`);
  });

  it('starts kubesim in exec form, and its build context has what it copies (.dockerignore)', () => {
    expect(imageCommand()).toEqual(['node', 'bin/kubesim.js', 'start']);
    expect(healthcheckCommand()[0]).toBe('node');
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const copy of of('COPY', instructions).filter((c) => !flags(c).from)) {
      for (const src of args(copy).slice(0, -1)) {
        expect(existsSync(path.join(REPO_ROOT, src)), src).toBe(true);
        expect(ignored.some((pattern) => pattern === src || pattern === src.replace(/^\.\//, '')), `${src} is excluded by .dockerignore`).toBe(false);
      }
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.kubesim']));
  });
});

