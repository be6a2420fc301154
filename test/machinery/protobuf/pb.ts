// Writing Kubernetes protobuf bodies in tests with protobufjs's Writer, field by field as gogo/client-go would.
import protobuf from 'protobufjs';

const { Writer } = protobuf;
type W = protobuf.Writer;
export type Build = (w: W) => void;

export const str = (field: number, v: string): Build => (w) => void w.uint32((field << 3) | 2).string(v);
export const bytes = (field: number, v: Uint8Array): Build => (w) => void w.uint32((field << 3) | 2).bytes(v);
export const bool = (field: number, v: boolean): Build => (w) => void w.uint32(field << 3).bool(v);
/** int32 and int64 share the varint encoding (negative int32s are sign-extended to 10 bytes, as Go does). */
export const int = (field: number, v: number): Build => (w) => void w.uint32(field << 3).int64(v);
export const msg = (field: number, ...fields: Build[]): Build => (w) => {
  w.uint32((field << 3) | 2).fork();
  for (const f of fields) f(w);
  w.ldelim();
};
/** A map<string,string> field: one entry message per key. */
export const strMap = (field: number, m: Record<string, string>): Build => (w) => {
  for (const [k, v] of Object.entries(m)) msg(field, str(1, k), str(2, v))(w);
};
export const bytesMap = (field: number, m: Record<string, Uint8Array>): Build => (w) => {
  for (const [k, v] of Object.entries(m)) msg(field, str(1, k), bytes(2, v))(w);
};
/** A packed repeated varint field. */
export const packed = (field: number, values: number[]): Build => (w) => {
  w.uint32((field << 3) | 2).fork();
  for (const v of values) w.int64(v);
  w.ldelim();
};
export const time = (field: number, seconds: number, nanos = 0): Build => msg(field, int(1, seconds), int(2, nanos));
/** A zero metav1.Time as gogo writes a non-pointer one: the tag with an empty payload. */
export const zeroTime = (field: number): Build => msg(field);
export const quantity = (field: number, s: string): Build => msg(field, str(1, s));
export const intOrString = (field: number, v: number | string): Build =>
  typeof v === 'number' ? msg(field, int(1, 0), int(2, v), str(3, '')) : msg(field, int(1, 1), int(2, 0), str(3, v));
export const quantityMap = (field: number, m: Record<string, string>): Build => (w) => {
  for (const [k, v] of Object.entries(m)) msg(field, str(1, k), quantity(2, v))(w);
};

export function encode(...fields: Build[]): Uint8Array {
  const w = Writer.create();
  for (const f of fields) f(w);
  return w.finish();
}

/** ObjectMeta the way gogo writes it: every non-pointer field, zero or not (name, namespace, generation 0, ...). */
export function objectMeta(field: number, o: { name?: string; namespace?: string; labels?: Record<string, string>; extra?: Build[] } = {}): Build {
  return msg(
    field,
    str(1, o.name ?? ''),
    str(2, ''),
    str(3, o.namespace ?? ''),
    str(4, ''),
    str(5, ''),
    str(6, ''),
    int(7, 0),
    zeroTime(8),
    ...(o.labels ? [strMap(11, o.labels)] : []),
    ...(o.extra ?? []),
  );
}

/** The `k8s\0` + runtime.Unknown envelope kubectl sends. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = encode(msg(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), str(3, ''), str(4, ''));
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), Buffer.from(unknown)]);
}

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
