// Server-side printing: meta.k8s.io/v1 Table for `kubectl get` (upstream TableConvertor + printers). Rows carry the
// object's metadata as PartialObjectMetadata (includeObject=Metadata, the default) so `-A` and `--show-labels` work.
import { rfc3339 } from '../clock.js';
import { NAME_DESCRIPTION } from '../registry/columns.js';
import type { Obj, PrinterColumn, ResourceDef } from '../registry/types.js';
import type { StoredObject } from '../storage/interface.js';
import { concatParts, jsonBytes, metadataBytes } from './list-body.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const DEFAULT_COLUMNS: PrinterColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
  { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
];

export function columnsOf(def: ResourceDef): PrinterColumn[] {
  if (!def.columns) return DEFAULT_COLUMNS;
  // The Name column is always format "name" (kubectl uses it for `-o name` style handling).
  return def.columns.map((c) => (c.name === 'Name' ? { ...c, format: 'name' } : c));
}

function cellsOf(def: ResourceDef, obj: Obj, now: number): unknown[] {
  if (def.cells) return def.cells(obj, now);
  return [obj.metadata?.name, obj.metadata?.creationTimestamp ?? rfc3339(now)];
}

function rowObject(obj: Obj, include: IncludeObject): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export interface TableMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export function buildTable(def: ResourceDef, objects: Obj[], now: number, include: IncludeObject, meta: TableMeta = {}, withColumns = true): Obj {
  const metadata: Obj = {};
  if (meta.resourceVersion !== undefined) metadata.resourceVersion = meta.resourceVersion;
  if (meta.continue) metadata.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) metadata.remainingItemCount = meta.remainingItemCount;
  const table: Obj = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata };
  // Watch events after the first may omit column definitions (upstream sends them only once per watch).
  table.columnDefinitions = withColumns ? columnsOf(def) : [];
  table.rows = objects.map((o) => {
    const row: Obj = { cells: cellsOf(def, o, now) };
    const ro = rowObject(o, include);
    if (ro) row.object = ro;
    return row;
  });
  return table;
}

const ROW_METADATA_OBJECT = ',"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1"';

/**
 * The Table of a LIST as bytes: byte for byte `JSON.stringify(buildTable(def, items' objects, now, include, meta))`,
 * but each row's object (the metadata, or the whole object) is copied from the UTF-8 cached with the stored object
 * instead of being serialised again for every LIST; only the cells are computed per request.
 */
export function tableListBody(def: ResourceDef, items: readonly StoredObject[], now: number, include: IncludeObject, meta: TableMeta = {}): Buffer {
  const metadata: Obj = {};
  if (meta.resourceVersion !== undefined) metadata.resourceVersion = meta.resourceVersion;
  if (meta.continue) metadata.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) metadata.remainingItemCount = meta.remainingItemCount;
  const parts: (string | Buffer)[] = [`{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(metadata)},"columnDefinitions":${JSON.stringify(columnsOf(def))},"rows":[`];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const cells = `${i > 0 ? ',' : ''}{"cells":${JSON.stringify(cellsOf(def, item.object as Obj, now))}`;
    if (include === 'None') {
      parts.push(`${cells}}`);
    } else if (include === 'Object') {
      parts.push(`${cells},"object":`, jsonBytes(item), '}');
    } else {
      const m = metadataBytes(item);
      if (m) parts.push(`${cells}${ROW_METADATA_OBJECT},"metadata":`, m, '}}');
      else parts.push(`${cells}${ROW_METADATA_OBJECT}}}`);
    }
  }
  parts.push(']}');
  return concatParts(parts);
}
