// Cross-checks the hand-written fact table against the Kubernetes 1.36 OpenAPI v2 document, when the shared
// reference checkout (../shared/reference next to the repository) is present. CI without it skips cleanly.
// The swagger is read at test time only; nothing of it is copied into the repository.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIELD_FACTS, TYPE_FACTS, kindRoots, type FieldFact } from '../../../src/machinery/patch/facts.js';

interface SwaggerSchema {
  $ref?: string;
  type?: string;
  format?: string;
  items?: SwaggerSchema;
  additionalProperties?: SwaggerSchema;
  properties?: Record<string, SwaggerSchema>;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
}

/** The repository root: the nearest ancestor of this file holding package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

const SWAGGER_PATH = process.env.KUBESIM_SWAGGER ?? resolve(repoRoot(), '../shared/reference/kubernetes-1.36-swagger.json');
const exists = existsSync(SWAGGER_PATH);

const EXTENSIONS = ['x-kubernetes-patch-strategy', 'x-kubernetes-patch-merge-key', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type'] as const;

describe.skipIf(!exists)('fact table vs kubernetes-1.36 swagger', () => {
  const defs: Record<string, SwaggerSchema> = exists ? JSON.parse(readFileSync(SWAGGER_PATH, 'utf8')).definitions : {};
  const refName = (s: SwaggerSchema | undefined): string | undefined => s?.$ref?.replace('#/definitions/', '');
  /** Definitions whose JSON form is a scalar (Quantity, Time, MicroTime, IntOrString). */
  const isScalarDef = (name: string): boolean => defs[name]?.type !== undefined && defs[name]?.type !== 'object';
  /** The element type a fact should name for a list item or map value schema. */
  const itemType = (s: SwaggerSchema): string => {
    const ref = refName(s);
    if (ref) return ref;
    if (s.type === 'integer') return s.format ?? 'int64';
    return s.type ?? '?';
  };
  /** Whether strategic merge can descend into this property (object, list or map). */
  const isNested = (p: SwaggerSchema): boolean => {
    const ref = refName(p);
    return p.type === 'array' || p.additionalProperties !== undefined || (ref !== undefined && !isScalarDef(ref));
  };

  function reachable(): Set<string> {
    const seen = new Set<string>();
    const queue = Object.values(kindRoots);
    while (queue.length) {
      const name = queue.shift()!;
      if (seen.has(name) || isScalarDef(name)) continue;
      seen.add(name);
      for (const p of Object.values(defs[name]?.properties ?? {})) {
        const ref = refName(p) ?? refName(p.items) ?? refName(p.additionalProperties);
        if (ref) queue.push(ref);
      }
    }
    return seen;
  }

  it('every kind root is the swagger definition of that group/version/kind', () => {
    for (const [key, type] of Object.entries(kindRoots)) {
      const gvks = defs[type]?.['x-kubernetes-group-version-kind'] ?? [];
      const keys = gvks.map((g) => (g.group ? `${g.group}/${g.version}/${g.kind}` : `${g.version}/${g.kind}`));
      expect(keys, type).toContain(key);
    }
  });

  it('every type reachable from the served kinds is in the table, and nothing else', () => {
    const want = [...reachable()].sort();
    expect(Object.keys(FIELD_FACTS).sort()).toEqual(want);
  });

  it('every listed field matches the swagger property (shape, element type and extensions)', () => {
    const mismatches: string[] = [];
    for (const [type, fields] of Object.entries(FIELD_FACTS)) {
      for (const [field, fact] of Object.entries(fields)) {
        const prop = defs[type]?.properties?.[field];
        const where = `${type}.${field}`;
        if (!prop) {
          mismatches.push(`${where}: not in swagger`);
          continue;
        }
        const shape = prop.type === 'array' ? 'list' : prop.additionalProperties ? 'map' : 'struct';
        const factShape = fact.list ? 'list' : fact.map ? 'map' : 'struct';
        if (shape !== factShape) mismatches.push(`${where}: shape ${factShape}, swagger ${shape}`);
        const swaggerType = shape === 'list' ? itemType(prop.items!) : shape === 'map' ? itemType(prop.additionalProperties!) : refName(prop);
        if (swaggerType !== fact.type) mismatches.push(`${where}: type ${fact.type}, swagger ${swaggerType}`);
        const expected: Partial<FieldFact> = {
          patchStrategy: prop['x-kubernetes-patch-strategy'],
          patchMergeKey: prop['x-kubernetes-patch-merge-key'],
          listType: prop['x-kubernetes-list-type'] as FieldFact['listType'],
          listMapKeys: prop['x-kubernetes-list-map-keys'],
          mapType: prop['x-kubernetes-map-type'] as FieldFact['mapType'],
        };
        for (const [k, v] of Object.entries(expected)) {
          const actual = fact[k as keyof FieldFact];
          if (JSON.stringify(actual) !== JSON.stringify(v)) mismatches.push(`${where}: ${k} ${JSON.stringify(actual)}, swagger ${JSON.stringify(v)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('no property with patch/list/map extensions, and no nested property, is missing', () => {
    const missing: string[] = [];
    for (const type of Object.keys(FIELD_FACTS)) {
      for (const [field, prop] of Object.entries(defs[type]?.properties ?? {})) {
        const hasExtension = EXTENSIONS.some((x) => prop[x] !== undefined);
        if ((hasExtension || isNested(prop)) && !FIELD_FACTS[type]![field]) missing.push(`${type}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('type-level x-kubernetes-map-type matches', () => {
    const want: Record<string, string> = {};
    for (const type of Object.keys(FIELD_FACTS)) {
      const mt = defs[type]?.['x-kubernetes-map-type'];
      if (mt) want[type] = mt;
    }
    const got: Record<string, string> = {};
    for (const [type, fact] of Object.entries(TYPE_FACTS)) if (fact.mapType) got[type] = fact.mapType;
    expect(got).toEqual(want);
  });

  it('opaque types are the object definitions without properties', () => {
    const want = Object.keys(FIELD_FACTS).filter((t) => defs[t]?.type === 'object' && !defs[t]?.properties);
    const got = Object.entries(TYPE_FACTS)
      .filter(([, f]) => f.opaque)
      .map(([t]) => t);
    expect(got.sort()).toEqual(want.sort());
  });
});
