// The OpenAPI v3 schema objects kubesim serves, and the generated artifact they come from.
import { readFile } from 'node:fs/promises';

export const REF_PREFIX = '#/components/schemas/';

export interface Schema {
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GVK[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
}

export interface GVK {
  group: string;
  kind: string;
  version: string;
}

/** What openapi/build-schemas.mjs writes. */
export interface Artifact {
  source: string;
  schemas: Record<string, Schema>;
}

export function ref(name: string): Schema {
  return { $ref: REF_PREFIX + name };
}

/** The schema name a `$ref` points at. */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

/** The referenced schema of a property written as `$ref` or as `allOf: [{$ref}]`. */
export function refOf(s: Schema | undefined): string | undefined {
  if (!s) return undefined;
  if (s.$ref) return refName(s.$ref);
  return s.allOf?.length === 1 && s.allOf[0]!.$ref ? refName(s.allOf[0]!.$ref) : undefined;
}

// Both src/openapi/ and dist/openapi/ sit two levels below the package root, beside openapi/.
const ARTIFACT_URL = new URL('../../openapi/generated/schemas.json', import.meta.url);
const GENERATOR_URL = new URL('../../openapi/build-schemas.mjs', import.meta.url);

let loading: Promise<Artifact | undefined> | undefined;

/**
 * The generated schemas. The build (`npm run build`, `prepare`) writes openapi/generated/schemas.json; in a source
 * checkout where it has not run yet, the generator runs in memory instead (it needs the `typescript` dev dependency).
 * Undefined when neither works: /openapi/v3 then answers 404, as a server without v3 would.
 */
export function loadArtifact(log?: (line: string) => void): Promise<Artifact | undefined> {
  loading ??= (async () => {
    try {
      return JSON.parse(await readFile(ARTIFACT_URL, 'utf8')) as Artifact;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    try {
      const generator = (await import(GENERATOR_URL.href)) as { buildSchemas(): Artifact };
      return generator.buildSchemas();
    } catch (err) {
      log?.(`openapi: no generated schemas (run \`npm run build\`): ${(err as Error).message}`);
      return undefined;
    }
  })();
  return loading;
}
