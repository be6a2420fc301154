// Types of build-schemas.mjs, for the TypeScript code and tests that import it.
export interface GeneratedArtifact {
  /** `kubernetes-types@<version>` */
  source: string;
  /** OpenAPI v3 component schemas by upstream name (io.k8s.api.core.v1.Pod ...). */
  schemas: Record<string, Record<string, any>>;
}

export const OUTPUT: string;
export const REF_PREFIX: string;
export const INT_OR_STRING: string;
export function buildSchemas(packageDir?: string): GeneratedArtifact;
export function writeSchemas(artifact: GeneratedArtifact, output?: string): void;
