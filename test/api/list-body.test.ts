// LIST bodies assembled from the UTF-8 cached with stored objects (src/api/list-body.ts, tableListBody) must be the
// exact bytes the straightforward serialisation gives: JSON.stringify of the Table, the joined JSON of the items.
import { describe, expect, it } from 'vitest';
import { jsonListBody } from '../../src/api/list-body.js';
import { buildTable, tableListBody, type IncludeObject } from '../../src/api/table.js';
import { readFixtureSource } from '../../src/fixtures.js';
import { BUILTIN_RESOURCES } from '../../src/registry/catalog.js';
import type { Obj } from '../../src/registry/types.js';
import type { StoredObject } from '../../src/storage/interface.js';

const NOW = Date.parse('2026-01-02T03:04:05Z');

function stored(object: Obj, i: number): StoredObject {
  return { key: `/k/${i}`, object, json: JSON.stringify(object), revision: i + 1 };
}

const fixtureObjects = readFixtureSource('fixtures/default', { now: '2026-01-02T03:00:00Z', kubernetesVersion: 'v1.33.1' }).map((d) => d.object);
const unicode: Obj[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ü', creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'a/b': 'ünïcödé' }, annotations: { e: '😀 "quoted" \\ back\nline' } }, data: { k: '€' } },
  { apiVersion: 'v1', kind: 'ConfigMap', data: { 'no-metadata': 'x' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', creationTimestamp: '2020-01-01T00:00:00Z' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad-time', creationTimestamp: 'not a time' } },
];

describe('LIST bodies from cached UTF-8', () => {
  it('Table: byte for byte JSON.stringify(buildTable(...)), for every built-in resource and includeObject', () => {
    const objects = [...fixtureObjects, ...unicode];
    const items = objects.map(stored);
    const metas = [{}, { resourceVersion: '42' }, { resourceVersion: '7', continue: 'tok', remainingItemCount: 3 }];
    let checked = 0;
    for (const def of BUILTIN_RESOURCES) {
      for (const include of ['None', 'Metadata', 'Object'] as IncludeObject[]) {
        for (const meta of metas) {
          for (const list of [items, [], items.slice(0, 1)]) {
            const want = JSON.stringify(buildTable(def, list.map((i) => i.object as Obj), NOW, include, meta));
            // Twice: the second run uses the cached bytes.
            expect(tableListBody(def, list, NOW, include, meta).toString('utf8')).toBe(want);
            expect(tableListBody(def, list, NOW, include, meta).toString('utf8')).toBe(want);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(items.every((i) => i.utf8 !== undefined || i.metadataUtf8 !== undefined)).toBe(true);
  });

  it('JSON: byte for byte head + joined item JSON + tail, multi-byte characters included', () => {
    const items = [...fixtureObjects, ...unicode].map(stored);
    for (const list of [items, [], items.slice(-1)]) {
      const head = '{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[';
      const want = head + list.map((i) => i.json).join(',') + ']}';
      const got = jsonListBody(head, list, ']}');
      expect(got.toString('utf8')).toBe(want);
      expect(got.length).toBe(Buffer.byteLength(want));
      expect(jsonListBody(head, list, ']}').equals(got)).toBe(true);
    }
  });
});
