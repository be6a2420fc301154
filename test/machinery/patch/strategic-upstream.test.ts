// Strategic merge patch scenarios replayed from upstream's behaviour (k8s.io/apimachinery
// pkg/util/strategicpatch patch_test.go: the "custom", "raw" and set-element-order cases, applied to the
// current object) against a MergeItem-shaped fact table.

import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../src/machinery/patch/strategic.js';
import { PatchError } from '../../../src/machinery/patch/errors.js';
import { MERGE_ITEM_TABLE, y, type SmpCase } from './smp-fixture.js';

const apply = (original: string, patch: string) => applyStrategicMergePatch(y(original), y(patch), 'MergeItem', MERGE_ITEM_TABLE);

const CASES: SmpCase[] = [
  // --- maps and null deletion
  { name: 'adds a field', original: 'name: 1', patch: 'value: 1', result: 'name: 1\nvalue: 1' },
  { name: 'null deletes a field and a sibling is added', original: 'name: 1\nother: a', patch: 'name: null\nvalue: 1', result: 'other: a\nvalue: 1' },
  { name: 'null for a missing field is ignored', original: 'name: 1', patch: 'other: null', result: 'name: 1' },
  { name: 'deletes a key of a nested map', original: 'simpleMap: {key1: 1, key2: 1, other: a}', patch: 'simpleMap: {key2: null}', result: 'simpleMap: {key1: 1, other: a}' },
  { name: '$patch: delete empties a nested map', original: 'simpleMap: {key1: 1, key2: 1}', patch: 'simpleMap: {$patch: delete}', result: 'simpleMap: {}' },
  { name: '$patch: replace on the root keeps only the patch', original: 'name: 1\nvalue: 1', patch: '$patch: replace', result: '{}' },
  { name: '$patch: replace with content', original: 'name: 1\nvalue: 1', patch: 'other: a\n$patch: replace', result: 'other: a' },
  { name: 'nulls inside a new value are discarded', original: '{}', patch: 'complex: {nested: null, nested2: foo}', result: 'complex: {nested2: foo}' },
  { name: 'nulls inside maps inside new lists are discarded', original: '{}', patch: 'complex: [{inner: {a: foo, b: null}}]', result: 'complex: [{inner: {a: foo}}]' },
  { name: 'null items of a new list stay', original: '{}', patch: 'complex: [key1, null, key2]', result: 'complex: [key1, null, key2]' },
  { name: 'nulls already in the original are preserved', original: 'thing: null', patch: 'nested: {value: 5}', result: 'thing: null\nnested: {value: 5}' },
  { name: 'replace strategy takes the patch map as is', original: 'replacingItem: {Some: Generic, Field: Period}', patch: 'replacingItem: {Newly: Modified}', result: 'replacingItem: {Newly: Modified}' },
  { name: 'unknown fields merge as maps', original: 'complex: {nested: true, keep: 1}', patch: 'complex: {nested: false}', result: 'complex: {nested: false, keep: 1}' },
  { name: 'unknown list fields are replaced', original: 'array: [1, 2, 3]', patch: 'array: [3]', result: 'array: [3]' },

  // --- lists of scalars
  { name: 'merging int list: union without duplicates', original: 'mergingIntList: [1, 2]', patch: 'mergingIntList: [2, 3]', result: 'mergingIntList: [1, 2, 3]' },
  { name: 'merging int list keeps the patch order', original: 'mergingIntList: [1, 2, 3]', patch: 'mergingIntList: [3, 1, 2]', result: 'mergingIntList: [3, 1, 2]' },
  { name: 'merging int list: server-only items keep their place', original: 'mergingIntList: [1, 2, 3]', patch: 'mergingIntList: [3, 1]', result: 'mergingIntList: [2, 3, 1]' },
  { name: 'non-merging int list is replaced', original: 'nonMergingIntList: [1, 2]', patch: 'nonMergingIntList: [2, 3]', result: 'nonMergingIntList: [2, 3]' },
  { name: '$deleteFromPrimitiveList removes items', original: 'mergingIntList: [1, 2, 3]', patch: '$deleteFromPrimitiveList/mergingIntList: [2]', result: 'mergingIntList: [1, 3]' },
  { name: '$deleteFromPrimitiveList also works on non-merging lists', original: 'nonMergingIntList: [1, 2, 3]', patch: '$deleteFromPrimitiveList/nonMergingIntList: [2]', result: 'nonMergingIntList: [1, 3]' },
  { name: '$deleteFromPrimitiveList of a missing item is a no-op', original: 'mergingIntList: [1, 2]', patch: '$deleteFromPrimitiveList/mergingIntList: [3]', result: 'mergingIntList: [1, 2]' },
  { name: '$deleteFromPrimitiveList on a null list does not add it', original: 'mergingIntList: null', patch: '$deleteFromPrimitiveList/mergingIntList: [3]', result: 'mergingIntList: null' },
  { name: '$deleteFromPrimitiveList on a missing list does not add it', original: 'foo: [bar]', patch: '$deleteFromPrimitiveList/mergingIntList: [3]', result: 'foo: [bar]' },
  { name: 'delete list removes duplicates too', original: 'mergingIntList: [1, 2, 3, 3, 4]', patch: '$setElementOrder/mergingIntList: [1, 2]\n$deleteFromPrimitiveList/mergingIntList: [3]', result: 'mergingIntList: [1, 2, 4]' },
  { name: 'add and delete scalars with element order', original: 'mergingIntList: [1, 2, 3, 4]', patch: '$setElementOrder/mergingIntList: [1, 2, 4]\n$deleteFromPrimitiveList/mergingIntList: [3]\nmergingIntList: [4]', result: 'mergingIntList: [1, 2, 4]' },
  { name: 'new scalar is placed by $setElementOrder among server-only items', original: 'mergingIntList: [1, 4, 2]', patch: '$setElementOrder/mergingIntList: [3, 1, 2]\nmergingIntList: [3]', result: 'mergingIntList: [3, 1, 4, 2]' },
  { name: 'scalar order with server-only items', original: 'mergingIntList: [1, 2, 7, 9, 8, 3, 4]', patch: '$setElementOrder/mergingIntList: [2, 1, 4, 3]', result: 'mergingIntList: [2, 1, 7, 9, 8, 4, 3]' },
  { name: 'scalar order with duplicates', original: 'mergingIntList: [1, 2, 3, 2, 4]', patch: '$setElementOrder/mergingIntList: [2, 1, 4, 3, 2]', result: 'mergingIntList: [2, 2, 1, 4, 3]' },
  { name: 'order list naming absent scalars', original: 'mergingIntList: [1, 3]', patch: '$setElementOrder/mergingIntList: [3, 2, 1]', result: 'mergingIntList: [3, 1]' },

  // --- lists of maps
  { name: 'merges list items by merge key', original: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]', patch: '$setElementOrder/mergingList: [{name: 1}, {name: 2}]\nmergingList: [{name: 1, value: 1}]', result: 'mergingList: [{name: 1, other: a, value: 1}, {name: 2, value: 2, other: b}]' },
  { name: 'deletes a field of a list item', original: 'mergingList: [{name: 1, value: 1, other: a}, {name: 2}]', patch: 'mergingList: [{name: 1, value: null}]', result: 'mergingList: [{name: 1, other: a}, {name: 2}]' },
  { name: 'patch order wins for items it names', original: 'mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]', patch: 'mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]', result: 'mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, value: b, other: x}]' },
  { name: 'server-only items stay before later patch items', original: 'mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]', patch: 'mergingList: [{name: 3, value: c}, {name: 1, value: a}]', result: 'mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]' },
  { name: 'without $setElementOrder a new item goes first', original: 'mergingList: [{name: 1}, {name: 2}]', patch: 'mergingList: [{name: 3}]', result: 'mergingList: [{name: 3}, {name: 1}, {name: 2}]' },
  { name: 'with $setElementOrder new items follow it', original: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]', patch: '$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}]\nmergingList: [{name: 4, value: 4}, {name: 3, value: 3}]', result: 'mergingList: [{name: 4, value: 4}, {name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]' },
  { name: 'non-merging list inside a merging list is replaced', original: 'mergingList: [{name: 1, other: a, nonMergingList: [{name: 1}, {name: 2, value: 2}]}, {name: 2}]', patch: 'mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]', result: 'mergingList: [{name: 1, other: a, nonMergingList: [{name: 1, value: 1}]}, {name: 2}]' },
  { name: 'nested merging lists with their own order', original: 'mergingList: [{name: 1, other: a, mergingList: [{name: 2, value: 2, other: d}]}, {name: 2, other: b}]', patch: '$setElementOrder/mergingList: [{name: 1}, {name: 2}]\nmergingList: [{$setElementOrder/mergingList: [{name: 2}, {name: 1}], name: 1, mergingList: [{name: 1, value: 1}]}]', result: 'mergingList: [{name: 1, other: a, mergingList: [{name: 2, value: 2, other: d}, {name: 1, value: 1}]}, {name: 2, other: b}]' },
  { name: '$patch: delete removes the item', original: 'mergingList: [{name: 1}, {name: 2, other: b}]', patch: '$setElementOrder/mergingList: [{name: 2}]\nmergingList: [{name: 1, $patch: delete}]', result: 'mergingList: [{name: 2, other: b}]' },
  { name: '$patch: delete removes every duplicate', original: 'mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]', patch: 'mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]', result: 'mergingList: [{name: 2, value: a}]' },
  { name: '$patch: delete of a missing item is a no-op', original: 'mergingList: [{name: 2, other: b}]', patch: 'mergingList: [{name: 1, $patch: delete}]', result: 'mergingList: [{name: 2, other: b}]' },
  { name: '$patch: replace item replaces the whole list', original: 'mergingList: [{name: 1}, {name: 2}]', patch: 'mergingList: [{$patch: replace}]', result: 'mergingList: []' },
  { name: '$patch: replace keeps the other patch items', original: 'mergingList: [{name: 1, value: a}, {name: 2}]', patch: 'mergingList: [{name: 3}, {$patch: replace}, {name: 1}]', result: 'mergingList: [{name: 3}, {name: 1}]' },
  { name: 'add and delete with order (live array is reused)', original: 'mergingList: [{name: 1}, {name: 2, other: b}, {name: 4, other: c}]', patch: '$setElementOrder/mergingList: [{name: 2}, {name: 3}]\nmergingList: [{name: 3}, {name: 1, $patch: delete}]', result: 'mergingList: [{name: 2, other: b}, {name: 4, other: c}, {name: 3}]' },
  { name: 'add and delete with order, patch re-adds', original: 'mergingList: [{name: 1, other: a}, {name: 4, other: c}]', patch: '$setElementOrder/mergingList: [{name: 2}, {name: 3}]\nmergingList: [{name: 2}, {name: 3}, {name: 1, $patch: delete}]', result: 'mergingList: [{name: 4, other: c}, {name: 2}, {name: 3}]' },
  { name: 'delete and reorder', original: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]', patch: '$setElementOrder/mergingList: [{name: 2}, {name: 1}]\nmergingList: [{name: 3, $patch: delete}]', result: 'mergingList: [{name: 2, value: 2, other: b}, {name: 1, other: a}]' },
  { name: 'add, delete and reorder', original: 'mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]', patch: '$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 1}]\nmergingList: [{name: 4, value: 4}, {name: 3, $patch: delete}]', result: 'mergingList: [{name: 4, value: 4}, {name: 2, value: 2, other: b}, {name: 1, other: a}]' },
  { name: 'order only, server-only items in between', original: 'mergingList: [{name: 1, other: a}, {name: 2}, {name: 7}, {name: 9}, {name: 8}, {name: 3}, {name: 4}]', patch: '$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]', result: 'mergingList: [{name: 2}, {name: 1, other: a}, {name: 7}, {name: 9}, {name: 8}, {name: 4}, {name: 3}]' },
  { name: 'order with duplicate merge keys', original: 'mergingList: [{name: 1}, {name: 2, value: dup1}, {name: 3}, {name: 2, value: dup2}, {name: 4}]', patch: '$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}, {name: 2}]', result: 'mergingList: [{name: 2, value: dup1}, {name: 2, value: dup2}, {name: 1}, {name: 4}, {name: 3}]' },
  { name: 'order list naming absent items', original: 'mergingList: [{name: 1}, {name: 3}]', patch: '$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}]\nmergingList: [{name: 3, value: 3}, {name: 1, value: 1}]', result: 'mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]' },
  { name: 'directives are dropped from a list the live object lacks', original: 'name: hi', patch: 'mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]', result: 'name: hi\nmergingList: [{name: hello}]' },
  { name: 'new list with a delete item merges with the live list', original: 'name: hi\nmergingList: [{name: hello2}]', patch: '$setElementOrder/mergingList: [{name: hello}, {name: doesntexist}]\nmergingList: [{name: hello}, {$patch: delete, name: doesntexist}]', result: 'name: hi\nmergingList: [{name: hello}, {name: hello2}]' },
  { name: 'empty merging lists', original: 'mergingList: []', patch: 'mergingList: []', result: 'mergingList: []' },

  // --- $retainKeys
  { name: 'retainKeys map without directive merges', original: 'retainKeysMap: {name: foo, value: a}', patch: 'retainKeysMap: {value: b}', result: 'retainKeysMap: {name: foo, value: b}' },
  { name: '$retainKeys clears unlisted fields', original: 'retainKeysMap: {name: type1, value: foo}', patch: 'retainKeysMap: {$retainKeys: [name, other], name: type2, other: bar}', result: 'retainKeysMap: {name: type2, other: bar}' },
  { name: '$retainKeys with a null-deleted field', original: 'retainKeysMap: {name: foo, value: bar, other: a}', patch: 'retainKeysMap: {$retainKeys: [name], value: null}', result: 'retainKeysMap: {name: foo}' },
  { name: '$retainKeys keeps and merges listed nested maps', original: 'retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key2: b, key3: c}}', patch: 'retainKeysMap: {$retainKeys: [name, simpleMap, value], simpleMap: {key2: null}}', result: 'retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key3: c}}' },
  { name: '$retainKeys with nested merging int list', original: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}', patch: 'retainKeysMap: {$setElementOrder/mergingIntList: [1, 2, 4], $retainKeys: [mergingIntList, name], mergingIntList: [4]}', result: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 4, 3]}' },
  { name: '$retainKeys with add and delete in nested int list', original: 'retainKeysMap: {name: foo, mergingIntList: [1, 2, 3, 4]}', patch: 'retainKeysMap: {$retainKeys: [mergingIntList, name], mergingIntList: [5], $deleteFromPrimitiveList/mergingIntList: [2], $setElementOrder/mergingIntList: [1, 3, 5]}', result: 'retainKeysMap: {name: foo, mergingIntList: [1, 3, 5, 4]}' },
  { name: '$retainKeys on list items', original: 'retainKeysMergingList: [{name: bar}, {name: foo, value: new, other: x}]', patch: '$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}]\nretainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: modified}]', result: 'retainKeysMergingList: [{name: bar}, {name: foo, value: modified}]' },

  // --- errors (status code and upstream message)
  { name: 'missing merge key', original: 'mergingList: [{name: 1, value: a}]', patch: 'mergingList: [{value: b}]', error: { code: 500, message: 'map: map[value:b] does not contain declared merge key: name' } },
  { name: 'order mismatch', original: 'mergingList: [{name: 1}, {name: 3}, {name: 2}]', patch: '$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}]\nmergingList: [{name: 3, value: 3}, {name: 1, value: 1}]', error: { code: 500, message: "The order in patch list:\n[map[name:3 value:3] map[name:1 value:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n" } },
  { name: 'scalar order mismatch', original: 'mergingIntList: [1, 3, 2]', patch: '$setElementOrder/mergingIntList: [1, 2, 3]\nmergingIntList: [3, 1]', error: { code: 500, contains: "doesn't match" } },
  { name: 'unknown $patch on a map', original: 'simpleMap: {a: b}', patch: 'simpleMap: {$patch: merge}', error: { code: 500, message: 'unknown patch type: merge in map: map[$patch:merge]' } },
  { name: 'non-string $patch', original: 'simpleMap: {a: b}', patch: 'simpleMap: {$patch: 5}', error: { code: 500, message: 'unknown patch type: %!s(int64=5) in map: map[$patch:5]' } },
  { name: '$patch: merge in a list', original: 'mergingList: [{name: 1}]', patch: 'mergingList: [{name: 1, $patch: merge}]', error: { code: 500, message: 'merging lists cannot yet be specified in the patch' } },
  { name: 'delete item without merge key', original: 'mergingList: [{name: 1}]', patch: 'mergingList: [{$patch: delete}]', error: { code: 500, message: 'map: map[$patch:delete] does not contain declared merge key: name' } },
  { name: 'mixed element types', original: 'mergingIntList: [1, 2]', patch: 'mergingIntList: [a]', error: { code: 500, message: 'list element types are not identical: [[1 2] [a]]' } },
  { name: 'lists of lists', original: 'mergingIntList: [[1]]', patch: 'mergingIntList: [[2]]', error: { code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' } },
  { name: 'malformed $deleteFromPrimitiveList key', original: 'mergingIntList: [1]', patch: '$deleteFromPrimitiveListmergingIntList: [1]', error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of primitive list' } },
  { name: 'malformed $setElementOrder key', original: 'mergingIntList: [1]', patch: '$setElementOrder: [1]', error: { code: 400, message: 'invalid patch format of setElementOrder list' } },
  { name: '$retainKeys not a list', original: 'retainKeysMap: {name: a}', patch: 'retainKeysMap: {$retainKeys: name}', error: { code: 400, message: 'invalid patch format of retainKeys' } },
  { name: 'patch key missing from $retainKeys', original: 'retainKeysMap: {name: a}', patch: 'retainKeysMap: {$retainKeys: [name], value: b}', error: { code: 400, message: 'invalid patch format of retainKeys' } },
  { name: '$setElementOrder not a list', original: 'mergingList: [{name: 1}]', patch: '$setElementOrder/mergingList: {name: 1}', error: { code: 500, message: 'expected a []interface {}, but received a map[string]interface {}' } },
  { name: 'unknown nested maps merge recursively', original: 'extra: {x: {a: 1, b: 1}}', patch: 'extra: {x: {a: 2}}', result: 'extra: {x: {a: 2, b: 1}}' },
];

describe('strategic merge patch: upstream scenarios', () => {
  for (const c of CASES) {
    it(c.name, () => {
      if (c.error) {
        let err: unknown;
        try {
          apply(c.original, c.patch);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(PatchError);
        const pe = err as PatchError;
        expect(pe.code).toBe(c.error.code);
        if (c.error.message !== undefined) expect(pe.message).toBe(c.error.message);
        if (c.error.contains !== undefined) expect(pe.message).toContain(c.error.contains);
        if (c.error.reason !== undefined) expect(pe.reason).toBe(c.error.reason);
        return;
      }
      expect(apply(c.original, c.patch)).toEqual(y(c.result!));
    });
  }
});
