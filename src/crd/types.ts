// CustomResourceDefinition (apiextensions.k8s.io/v1) as plain JSON, with the lookups the rest of src/crd/ shares.
import type { JSONSchemaProps } from './schema/types.js';

export const CRD_GROUP = 'apiextensions.k8s.io';
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CRDNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface PrinterColumnDef {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CRDVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: Record<string, never>; scale?: ScaleSubresource };
  additionalPrinterColumns?: PrinterColumnDef[];
  selectableFields?: { jsonPath: string }[];
}

export interface CRDCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CRD {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, any>;
  spec: {
    group: string;
    names: CRDNames;
    scope: string;
    versions: CRDVersion[];
    conversion?: { strategy: string; webhook?: unknown };
    preserveUnknownFields?: boolean;
  };
  status?: {
    conditions?: CRDCondition[];
    acceptedNames?: Partial<CRDNames>;
    storedVersions?: string[];
  };
}

export function storageVersion(crd: CRD): string | undefined {
  return (crd.spec?.versions ?? []).find((v) => v.storage)?.name;
}

export function findCondition(crd: CRD, type: string): CRDCondition | undefined {
  return (crd.status?.conditions ?? []).find((c) => c.type === type);
}

export function isConditionTrue(crd: CRD, type: string): boolean {
  return findCondition(crd, type)?.status === 'True';
}

/** Sets a condition like apiextensions SetCRDCondition: lastTransitionTime only moves when the status changes. */
export function setCondition(crd: CRD, cond: CRDCondition, now: string): void {
  const status = (crd.status ??= {});
  const list = (status.conditions ??= []);
  const i = list.findIndex((c) => c.type === cond.type);
  const old = i >= 0 ? list[i] : undefined;
  const next = { ...cond, lastTransitionTime: old && old.status === cond.status ? old.lastTransitionTime ?? now : now };
  if (i >= 0) list[i] = next;
  else list.push(next);
}
