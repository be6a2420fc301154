// The build step (openapi/build-schemas.mjs): what it reads out of the kubernetes-types declarations.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSchemas, INT_OR_STRING, OUTPUT, type GeneratedArtifact } from '../../openapi/build-schemas.mjs';

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const ref = (name: string) => `#/components/schemas/${name}`;

let artifact: GeneratedArtifact;
let elapsed: number;
let s: GeneratedArtifact['schemas'];

beforeAll(() => {
  const started = Date.now();
  artifact = buildSchemas();
  elapsed = Date.now() - started;
  s = artifact.schemas;
});

describe('build-schemas', () => {
  it('reads every declaration file of kubernetes-types quickly', () => {
    expect(artifact.source).toMatch(/^kubernetes-types@1\.\d+\.\d+$/);
    expect(Object.keys(s).length).toBeGreaterThan(500);
    expect(elapsed).toBeLessThan(5000);
  });

  it('names schemas the upstream way', () => {
    for (const name of [
      `${CORE}Pod`,
      `${APPS}Deployment`,
      `${META}ObjectMeta`,
      `${META}Time`,
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.runtime.RawExtension',
      'io.k8s.api.coordination.v1.Lease',
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
      INT_OR_STRING,
    ]) {
      expect(s[name], name).toBeDefined();
    }
  });

  it('keeps the JSDoc text as descriptions, paragraphs and all', () => {
    expect(s[`${CORE}Pod`]!.description).toBe(
      'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
    );
    expect(s[`${CORE}Container`]!.properties.image.description).toMatch(/^Container image name\. More info: https:\/\/kubernetes\.io\/docs\/concepts\/containers\/images/);
    // multi-line blocks keep their blank lines and indentation
    expect(s[`${META}ObjectMeta`]!.properties.creationTimestamp.description).toContain('in UTC.\n\nPopulated by the system.');
    expect(s[`${CORE}AppArmorProfile`]!.properties.type.description).toContain('Valid options are:\n  Localhost - ');
  });

  it('writes references as $ref (inside allOf for described properties)', () => {
    const pod = s[`${CORE}Pod`]!;
    expect(pod.type).toBe('object');
    expect(pod.properties.spec.allOf).toEqual([{ $ref: ref(`${CORE}PodSpec`) }]);
    expect(pod.properties.spec.description).toMatch(/^Specification of the desired behavior of the pod/);
    expect(pod.properties.metadata.allOf).toEqual([{ $ref: ref(`${META}ObjectMeta`) }]);
    expect(s[`${META}ObjectMeta`]!.properties.creationTimestamp.allOf).toEqual([{ $ref: ref(`${META}Time`) }]);
  });

  it('turns arrays, maps and primitives into OpenAPI types', () => {
    const spec = s[`${CORE}PodSpec`]!.properties;
    expect(spec.containers).toMatchObject({ type: 'array', items: { $ref: ref(`${CORE}Container`) } });
    expect(spec.nodeSelector).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    expect(spec.hostNetwork.type).toBe('boolean');
    expect(spec.terminationGracePeriodSeconds.type).toBe('integer');
    expect(s[`${CORE}Container`]!.properties.command).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(s[`${CORE}ResourceRequirements`]!.properties.limits).toMatchObject({
      type: 'object',
      additionalProperties: { $ref: ref('io.k8s.apimachinery.pkg.api.resource.Quantity') },
    });
  });

  it('marks non-optional properties required', () => {
    expect(s[`${CORE}Container`]!.required).toEqual(['name']);
    expect(s[`${APPS}DeploymentSpec`]!.required).toEqual(['selector', 'template']);
    expect(s[`${CORE}Pod`]!.required).toBeUndefined();
  });

  it('gives top-level kinds x-kubernetes-group-version-kind from their literal apiVersion and kind', () => {
    expect(s[`${APPS}Deployment`]!['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(s[`${APPS}DeploymentList`]!['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
    expect(s[`${CORE}Pod`]!['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(s['io.k8s.api.autoscaling.v1.Scale']!['x-kubernetes-group-version-kind']).toEqual([{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
    expect(s[`${CORE}PodSpec`]!['x-kubernetes-group-version-kind']).toBeUndefined();
    // apiVersion and kind stay plain strings
    expect(s[`${APPS}Deployment`]!.properties.kind).toMatchObject({ type: 'string' });
  });

  it('maps `number | string` to IntOrString and string aliases to named string schemas', () => {
    expect(s[`${APPS}RollingUpdateDeployment`]!.properties.maxSurge.allOf).toEqual([{ $ref: ref(INT_OR_STRING) }]);
    expect(s[`${CORE}ServicePort`]!.properties.targetPort.allOf).toEqual([{ $ref: ref(INT_OR_STRING) }]);
    expect(s[INT_OR_STRING]).toEqual({ oneOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(s[`${META}Time`]).toMatchObject({ type: 'string' });
    expect(s['io.k8s.apimachinery.pkg.api.resource.Quantity']!.description).toMatch(/^Quantity is a fixed-point representation of a number/);
    // struct types without fields (custom JSON) are plain objects
    expect(s['io.k8s.apimachinery.pkg.runtime.RawExtension']!.type).toBe('object');
    expect(s['io.k8s.apimachinery.pkg.runtime.RawExtension']!.properties).toBeUndefined();
  });

  it('only references schemas it defines', () => {
    const missing: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          // (JSONSchemaProps has a property called $ref: only string values are references)
          if (k === '$ref' && typeof x === 'string') {
            const name = x.replace('#/components/schemas/', '');
            if (!s[name]) missing.push(name);
          } else walk(x);
        }
      }
    };
    walk(s);
    expect(missing).toEqual([]);
  });

  it.skipIf(!existsSync(OUTPUT))('the built artifact (openapi/generated/schemas.json) is up to date', () => {
    const onDisk = JSON.parse(readFileSync(OUTPUT, 'utf8'));
    expect(onDisk.source).toBe(artifact.source);
    expect(onDisk.schemas).toEqual(artifact.schemas);
  });
});
