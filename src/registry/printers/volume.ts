// Helpers for the storage printers (upstream pkg/printers/internalversion/printers.go printPersistentVolume,
// printPersistentVolumeClaim, printStorageClass, and pkg/apis/core/helper GetAccessModesAsString,
// GetPersistentVolumeClass, GetPersistentVolumeClaimClass, storageutil.IsDefaultAnnotation).
type Obj = Record<string, any>;

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
/** The pre-storageClassName way of naming a class (still read first by every upstream helper). */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

const MODE_ABBREVIATIONS: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** GetAccessModesAsString: always in the order RWO,ROX,RWX,RWOP, duplicates dropped. */
export function accessModesString(modes: unknown): string {
  const have = new Set(Array.isArray(modes) ? modes : []);
  return MODE_ABBREVIATIONS.filter(([m]) => have.has(m)).map(([, a]) => a).join(',');
}

/** GetPersistentVolumeClass: the beta annotation first, then spec.storageClassName. */
export function volumeClass(pv: Obj): string {
  const ann = pv.metadata?.annotations ?? {};
  if (Object.hasOwn(ann, BETA_STORAGE_CLASS_ANNOTATION)) return String(ann[BETA_STORAGE_CLASS_ANNOTATION]);
  return pv.spec?.storageClassName ?? '';
}

/** GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName; "" when none was asked for. */
export function claimClass(pvc: Obj): string {
  const ann = pvc.metadata?.annotations ?? {};
  if (Object.hasOwn(ann, BETA_STORAGE_CLASS_ANNOTATION)) return String(ann[BETA_STORAGE_CLASS_ANNOTATION]);
  return pvc.spec?.storageClassName ?? '';
}

/** storageutil.IsDefaultAnnotation: the GA or beta default-class annotation set to "true". */
export function isDefaultClass(sc: Obj): boolean {
  const ann = sc.metadata?.annotations ?? {};
  return ann[DEFAULT_CLASS_ANNOTATION] === 'true' || ann[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** Quantity.String() of the `storage` entry; the stored text (kubesim does not canonicalise quantities). */
export function storageOf(list: Obj | undefined): string {
  const q = list?.storage;
  return q === undefined || q === null ? '0' : String(q);
}
