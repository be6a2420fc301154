// Table output of custom resources (upstream apiextensions-apiserver/pkg/registry/customresource/tableconvertor):
// Name, then the version's additionalPrinterColumns evaluated with JSONPath — or Age when it declares none.
// Cells: the first result; string columns print it as the jsonpath printer does, integer/number/boolean keep the JSON
// value, date columns print the age of a timestamp (translateTimestampSince), and nothing found is a null cell.
import { age } from '../machinery/duration.js';
import { AGE_DESCRIPTION, NAME_DESCRIPTION } from '../registry/columns.js';
import type { Obj, PrinterColumn } from '../registry/types.js';
import { findResults, parse, printValue } from './jsonpath.js';
import type { PrinterColumnDef } from './types.js';

export interface CustomTable {
  columns: PrinterColumn[];
  cells: (obj: Obj, now: number) => unknown[];
}

const DEFAULT_COLUMNS: PrinterColumnDef[] = [{ name: 'Age', type: 'date', description: AGE_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' }];

export function cellFor(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : age(value, now);
    default:
      return printValue(value);
  }
}

export function customTable(defs: PrinterColumnDef[] | undefined): CustomTable {
  const cols = defs?.length ? defs : DEFAULT_COLUMNS;
  const paths = cols.map((c) => {
    try {
      return parse(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  const columns: PrinterColumn[] = [
    { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
    ...cols.map((c) => ({ name: c.name, type: c.type as PrinterColumn['type'], format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
  return {
    columns,
    cells: (obj, now) => [
      obj.metadata?.name,
      ...cols.map((c, i) => {
        const p = paths[i];
        const found = p ? findResults(p, obj) : [];
        return found.length ? cellFor(c.type, found[0], now) : null;
      }),
    ],
  };
}
