// Shared Table column helpers (upstream printers in pkg/printers/internalversion/printers.go use the same texts).
import type { PrinterColumn } from './types.js';

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function col(name: string, description: string, priority = 0, type: PrinterColumn['type'] = 'string'): PrinterColumn {
  return { name, type, format: '', description, priority };
}

export const AGE = col('Age', AGE_DESCRIPTION);

/** `<none>` for empty values, as upstream printers show. */
export function orNone(v: unknown): string {
  if (v === undefined || v === null || v === '') return '<none>';
  return String(v);
}

export function containerNamesAndImages(podSpec: any): [string, string] {
  const cs: any[] = podSpec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}
