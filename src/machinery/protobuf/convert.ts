// Protobuf message → the JSON object a JSON client would have sent, driven by the field tables in ./schema.
import { message, messageForKind, type CompiledField, type CompiledMessage } from './schema/index.js';
import { decodeDuration, decodeIntOrString, decodeMicroTime, decodeQuantity, decodeTime } from './special.js';
import { hasProtobufPrefix, parseEnvelope } from './unknown.js';
import { ProtobufError, WireReader, WireType } from './wire.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const MAX_DEPTH = 64;

/** What has been read for one message so far: scalars/specials/lists as JSON, non-repeated sub-messages still open. */
type Acc = Map<CompiledField, Json | Acc>;

function compiledMessage(name: string): CompiledMessage {
  const m = message(name);
  if (!m) throw new ProtobufError(`no protobuf description for ${name}`);
  return m;
}

function text(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
}

function wrongWire(wire: number, f: CompiledField): ProtobufError {
  return new ProtobufError(`proto: wrong wireType = ${wire} for field ${f.name}`);
}

function scalarWire(type: string): number {
  switch (type) {
    case 'string':
    case 'bytes':
      return WireType.Bytes;
    case 'double':
      return WireType.Fixed64;
    case 'float':
      return WireType.Fixed32;
    default:
      return WireType.Varint;
  }
}

function readScalar(r: WireReader, type: string): Json {
  switch (type) {
    case 'string': {
      const [s, e] = r.span();
      return text(r.buf, s, e);
    }
    case 'bytes': {
      const [s, e] = r.span();
      return Buffer.from(r.buf.buffer, r.buf.byteOffset + s, e - s).toString('base64');
    }
    case 'bool':
      return r.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'uint32':
      return Number(BigInt.asUintN(32, r.varint()));
    case 'uint64':
      return Number(r.varint());
    case 'double':
      return r.fixed64().getFloat64(0, true);
    case 'float':
      return r.fixed32().getFloat32(0, true);
    default:
      throw new ProtobufError(`unknown scalar type ${type}`);
  }
}

/** Raw JSON carried in bytes (RawExtension, FieldsV1); a nested "k8s\0" envelope is decoded as an object. */
function rawJson(buf: Uint8Array, start: number, end: number, what: string, depth: number): Json {
  const r = new WireReader(buf, start, end);
  let raw: Uint8Array | undefined;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      if (wire !== WireType.Bytes) throw new ProtobufError(`proto: wrong wireType = ${wire} for field Raw`);
      raw = r.bytes();
    } else r.skip(wire);
  }
  if (!raw || raw.length === 0) return null;
  if (hasProtobufPrefix(raw)) return decodeEnvelopeObject(raw, depth + 1);
  try {
    return JSON.parse(text(raw, 0, raw.length)) as Json;
  } catch (err) {
    throw new ProtobufError(`${what}: invalid JSON: ${(err as Error).message}`);
  }
}

function readSpecial(r: WireReader, type: string, depth: number): Json {
  const [s, e] = r.span();
  switch (type) {
    case 'Time':
      return decodeTime(r.buf, s, e);
    case 'MicroTime':
      return decodeMicroTime(r.buf, s, e);
    case 'Duration':
      return decodeDuration(r.buf, s, e);
    case 'Quantity':
      return decodeQuantity(r.buf, s, e);
    case 'IntOrString':
      return decodeIntOrString(r.buf, s, e);
    case 'RawExtension':
      return rawJson(r.buf, s, e, 'RawExtension', depth);
    case 'FieldsV1':
      return rawJson(r.buf, s, e, 'FieldsV1', depth);
    default:
      throw new ProtobufError(`unknown special type ${type}`);
  }
}

/** One value of a field's element type (a repeated element, a map value, a non-repeated scalar/special). */
function readValue(r: WireReader, f: CompiledField, wire: number, depth: number): Json {
  if (f.kind === 'scalar') {
    if (wire !== scalarWire(f.type)) throw wrongWire(wire, f);
    return readScalar(r, f.type);
  }
  if (wire !== WireType.Bytes) throw wrongWire(wire, f);
  if (f.kind === 'special') return readSpecial(r, f.type, depth);
  const [s, e] = r.span();
  return decodeMessageAt(f.type, r.buf, s, e, depth + 1);
}

/** The zero value Go would leave in a map entry whose value is absent. */
function zeroValue(f: CompiledField): Json {
  if (f.kind === 'message') return {};
  switch (f.type) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    case 'Quantity':
      return '0';
    case 'Time':
    case 'MicroTime':
    case 'RawExtension':
    case 'FieldsV1':
      return null;
    case 'Duration':
      return '0s';
    default:
      return 0;
  }
}

function readMapEntry(r: WireReader, f: CompiledField, wire: number, depth: number): [string, Json] {
  if (wire !== WireType.Bytes) throw wrongWire(wire, f);
  const [s, e] = r.span();
  const er = new WireReader(r.buf, s, e);
  let key = '';
  let value: Json | undefined;
  while (!er.done()) {
    const t = er.tag();
    if (t.field === 1) {
      if (t.wire !== WireType.Bytes) throw wrongWire(t.wire, f);
      const [ks, ke] = er.span();
      key = text(r.buf, ks, ke);
    } else if (t.field === 2) {
      value = readValue(er, f, t.wire, depth);
    } else er.skip(t.wire);
  }
  return [key, value === undefined ? zeroValue(f) : value];
}

const PACKABLE = new Set(['bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);

function decodeFields(msg: CompiledMessage, r: WireReader, acc: Acc, depth: number): void {
  if (depth > MAX_DEPTH) throw new ProtobufError('proto: nesting too deep');
  while (!r.done()) {
    const { field, wire } = r.tag();
    const f = msg.byNumber.get(field);
    if (!f) {
      r.skip(wire);
      continue;
    }
    if (f.map) {
      const obj = (acc.get(f) as JsonObject | undefined) ?? {};
      const [k, v] = readMapEntry(r, f, wire, depth);
      obj[k] = v;
      acc.set(f, obj);
    } else if (f.repeated) {
      const list = (acc.get(f) as Json[] | undefined) ?? [];
      if (f.kind === 'scalar' && PACKABLE.has(f.type) && wire === WireType.Bytes) {
        const [s, e] = r.span();
        const pr = new WireReader(r.buf, s, e);
        while (!pr.done()) list.push(readScalar(pr, f.type));
      } else {
        list.push(readValue(r, f, wire, depth));
      }
      acc.set(f, list);
    } else if (f.kind === 'message') {
      // A non-repeated message seen twice is merged, as Go's Unmarshal does.
      if (wire !== WireType.Bytes) throw wrongWire(wire, f);
      const [s, e] = r.span();
      const sub = (acc.get(f) as Acc | undefined) ?? new Map();
      decodeFields(compiledMessage(f.type), new WireReader(r.buf, s, e), sub, depth + 1);
      acc.set(f, sub);
    } else {
      acc.set(f, readValue(r, f, wire, depth));
    }
  }
}

function isZero(v: Json | undefined): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false;
}

function isEmptyObject(v: JsonObject): boolean {
  for (const _ in v) return false;
  return true;
}

/** Accumulated fields → JSON in table order, dropping zero non-pointer fields and flattening inline structs. */
function finish(msg: CompiledMessage, acc: Acc): JsonObject {
  const out: JsonObject = {};
  for (const f of msg.fields) {
    if (!acc.has(f)) continue;
    const v = acc.get(f)!;
    if (f.kind === 'message' && !f.repeated && !f.map) {
      const obj = finish(compiledMessage(f.type), v as Acc);
      if (f.inline) Object.assign(out, obj);
      else if (f.keep || !isEmptyObject(obj)) out[f.name] = obj;
      continue;
    }
    const json = v as Json;
    if (f.repeated || f.map) {
      out[f.name] = json;
    } else if (json === null) {
      // A zero Time/MicroTime (or empty RawExtension) marshals as null for a pointer, and is left out otherwise.
      if (f.keep) out[f.name] = null;
    } else if (f.keep || !isZero(json)) {
      out[f.name] = json;
    }
  }
  return out;
}

/** Decodes bytes [start, end) of `buf` as the named message. */
export function decodeMessageAt(name: string, buf: Uint8Array, start: number, end: number, depth = 0): JsonObject {
  const msg = compiledMessage(name);
  const acc: Acc = new Map();
  decodeFields(msg, new WireReader(buf, start, end), acc, depth);
  return finish(msg, acc);
}

/** Decodes a whole buffer as the named message (e.g. 'core.v1.ConfigMap'). */
export function decodeMessage(name: string, buf: Uint8Array): JsonObject {
  return decodeMessageAt(name, buf, 0, buf.length);
}

/** An envelope nested in a RawExtension: the object with its kind and apiVersion. */
function decodeEnvelopeObject(buf: Uint8Array, depth: number): JsonObject {
  if (depth > MAX_DEPTH) throw new ProtobufError('proto: nesting too deep');
  const env = parseEnvelope(buf);
  const name = messageForKind(env.apiVersion, env.kind);
  if (!name) throw new ProtobufError(`no kind "${env.kind}" is registered for version "${env.apiVersion}"`);
  return { kind: env.kind, apiVersion: env.apiVersion, ...decodeMessageAt(name, env.raw, 0, env.raw.length, depth) };
}
