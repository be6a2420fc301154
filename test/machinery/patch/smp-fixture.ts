// A small fact table in the shape of upstream's strategicpatch test type (MergeItem), so the scenarios of
// k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go can be replayed against our implementation.

import { parse } from 'yaml';
import type { FactTable } from '../../../src/machinery/patch/facts.js';
import type { JsonObject } from '../../../src/machinery/patch/json.js';

export const MERGE_ITEM_TABLE: FactTable = {
  fields: {
    MergeItem: {
      mergingList: { type: 'MergeItem', list: true, patchStrategy: 'merge', patchMergeKey: 'name' },
      nonMergingList: { type: 'MergeItem', list: true },
      mergingIntList: { type: 'int64', list: true, patchStrategy: 'merge' },
      nonMergingIntList: { type: 'int64', list: true },
      simpleMap: { type: 'string', map: true },
      replacingItem: { type: 'RawExtension', patchStrategy: 'replace' },
      retainKeysMap: { type: 'RetainKeysMergeItem', patchStrategy: 'retainKeys' },
      retainKeysMergingList: { type: 'MergeItem', list: true, patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
    },
    RetainKeysMergeItem: {
      simpleMap: { type: 'string', map: true },
      mergingIntList: { type: 'int64', list: true, patchStrategy: 'merge' },
      mergingList: { type: 'MergeItem', list: true, patchStrategy: 'merge', patchMergeKey: 'name' },
      nonMergingList: { type: 'MergeItem', list: true },
    },
    RawExtension: {},
  },
  types: { RawExtension: { opaque: true } },
};

/** Parses a YAML snippet into a JSON object (null and empty snippets become {}). */
export function y(text: string): JsonObject {
  return (parse(text) ?? {}) as JsonObject;
}

export interface SmpCase {
  name: string;
  original: string;
  patch: string;
  /** expected result (YAML) */
  result?: string;
  /** expected failure */
  error?: { code: number; message?: string; contains?: string; reason?: string };
}
