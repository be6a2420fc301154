// Our generated schemas against kube-apiserver's own OpenAPI document (../shared/reference, a 1.36 swagger.json kept
// outside the repository): same property types, formats, references and patch/list extensions, and descriptions
// wherever upstream has one. Skips when ../shared is not there (it is never needed at build or run time).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpenAPIV3Documents } from '../../src/openapi/document.js';
import { isKnownType } from '../../src/machinery/patch/facts.js';
import { loadArtifact, refOf, type Schema } from '../../src/openapi/schema.js';
import { BUILTIN_RESOURCES, Catalog } from '../../src/registry/catalog.js';

const SWAGGER = fileURLToPath(new URL('../../../shared/reference/kubernetes-1.36-swagger.json', import.meta.url));
const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const EXTENSIONS = ['x-kubernetes-patch-strategy', 'x-kubernetes-patch-merge-key', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type'] as const;

/** Removed after 1.30 (DRA's ClaimSource), or documented only after 1.30. */
const RELEASE_DIFFERENCES = [
  'io.k8s.api.core.v1.ClaimSource: not upstream',
  'io.k8s.api.core.v1.PodResourceClaim.source: not upstream',
  'io.k8s.api.core.v1.GRPCAction: no description',
  'io.k8s.api.core.v1.NamespaceCondition.lastTransitionTime: no description',
  'io.k8s.api.core.v1.NamespaceCondition.message: no description',
  'io.k8s.api.core.v1.NamespaceCondition.reason: no description',
  'io.k8s.api.core.v1.PersistentVolumeClaimCondition.status: no description',
  'io.k8s.api.core.v1.PersistentVolumeClaimCondition.type: no description',
  'io.k8s.api.core.v1.PodDNSConfigOption.value: no description',
  'io.k8s.api.core.v1.PortStatus: no description',
  'io.k8s.api.core.v1.TypedObjectReference: no description',
];

type Upstream = Record<string, any>;
let upstream: Record<string, Upstream>;
let ours: Record<string, Schema>;

/** One property's shape, comparable across v2 and our v3: `$ref Name`, `array<...>`, `map<...>`, `type/format`. */
function shapeOf(p: any, v2: boolean): string {
  const ref = v2 ? (p.$ref as string | undefined)?.replace('#/definitions/', '') : refOf(p);
  if (ref) return `$ref ${ref}`;
  if (p.type === 'array') return `array<${shapeOf(p.items, v2)}>`;
  if (p.type === 'object' && p.additionalProperties) return `map<${shapeOf(p.additionalProperties, v2)}>`;
  return `${p.type}${p.format ? `/${p.format}` : ''}`;
}

function compareType(name: string, opts: { extensions: boolean }): string[] {
  const problems: string[] = [];
  const mine = ours[name];
  const theirs = upstream[name];
  if (!mine || !theirs) return [`${name}: ${mine ? 'not upstream' : 'not ours'}`];
  if (theirs.description && !mine.description) problems.push(`${name}: no description`);
  for (const [field, p] of Object.entries(mine.properties ?? {})) {
    const up = theirs.properties?.[field];
    if (!up) {
      problems.push(`${name}.${field}: not upstream`);
      continue;
    }
    if (shapeOf(p, false) !== shapeOf(up, true)) problems.push(`${name}.${field}: ${shapeOf(p, false)} vs upstream ${shapeOf(up, true)}`);
    if (up.description && !p.description) problems.push(`${name}.${field}: no description`);
    if (opts.extensions) {
      for (const ext of EXTENSIONS) {
        if (JSON.stringify(p[ext]) !== JSON.stringify(up[ext])) problems.push(`${name}.${field}: ${ext} ${JSON.stringify(p[ext])} vs upstream ${JSON.stringify(up[ext])}`);
      }
    }
  }
  for (const ext of ['x-kubernetes-map-type', 'x-kubernetes-group-version-kind'] as const) {
    if (opts.extensions && mine[ext] !== undefined && JSON.stringify(mine[ext]) !== JSON.stringify(theirs[ext])) problems.push(`${name}: ${ext}`);
  }
  return problems;
}

describe.skipIf(!existsSync(SWAGGER))('against the upstream OpenAPI document', () => {
  let served: string[];

  beforeAll(async () => {
    upstream = JSON.parse(readFileSync(SWAGGER, 'utf8')).definitions;
    const artifact = (await loadArtifact())!;
    const docs = new OpenAPIV3Documents(new Catalog(BUILTIN_RESOURCES), artifact);
    ours = {};
    for (const p of docs.paths()) Object.assign(ours, JSON.parse(docs.document(p)!.body.toString()).components.schemas);
    served = Object.keys(ours).sort();
  });

  it('the main kinds match field for field, with patch and list extensions', () => {
    const problems = [
      `${CORE}Pod`,
      `${CORE}PodSpec`,
      `${CORE}Container`,
      `${CORE}Service`,
      `${CORE}ServiceSpec`,
      `${CORE}ConfigMap`,
      `${APPS}Deployment`,
      `${APPS}DeploymentSpec`,
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    ].flatMap((n) => compareType(n, { extensions: true }));
    expect(problems).toEqual([]);
  });

  it('every schema we serve matches upstream in property types and formats (releases apart)', () => {
    const problems = served.flatMap((n) => compareType(n, { extensions: false }));
    // kubernetes-types is 1.30, the reference 1.36: only these differences are the releases'
    expect(problems.filter((p) => !RELEASE_DIFFERENCES.includes(p))).toEqual([]);
  });

  it('named scalar types have upstream formats', () => {
    for (const n of ['io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']) {
      expect(ours[n]).toMatchObject({ type: upstream[n]!.type, format: upstream[n]!.format });
    }
    expect(ours['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!.format).toBe(upstream['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!.format);
  });

  it('patch and list extensions agree on every type the fact table describes', () => {
    let agree = 0;
    const disagree: string[] = [];
    for (const name of served) {
      // the patch fact table covers the types of the served objects; operation-only types (DeleteOptions, Status ...)
      // and group-versions it does not cover yet carry no extensions
      if (!isKnownType(name)) continue;
      for (const [field, p] of Object.entries(ours[name]!.properties ?? {})) {
        const up = upstream[name]?.properties?.[field];
        if (!up) continue;
        for (const ext of EXTENSIONS) {
          if (p[ext] === undefined && up[ext] === undefined) continue;
          if (JSON.stringify(p[ext]) === JSON.stringify(up[ext])) agree++;
          else disagree.push(`${name}.${field} ${ext}: ${JSON.stringify(p[ext])} vs ${JSON.stringify(up[ext])}`);
        }
      }
    }
    expect(agree).toBeGreaterThan(100);
    expect(disagree).toEqual([]);
  });
});
