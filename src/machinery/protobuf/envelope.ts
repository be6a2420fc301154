// Decoding an `application/vnd.kubernetes.protobuf` request body into the JSON object a JSON client would have sent,
// with the error texts of upstream's protobuf serializer and create/update handlers (all of them 400 BadRequest).
import { decodeMessageAt, type Json } from './convert.js';
import { messageForKind } from './schema/index.js';
import { parseEnvelope } from './unknown.js';
import { ProtobufError } from './wire.js';

export interface DecodedProtobufBody {
  apiVersion: string;
  kind: string;
  /** The object as JSON, `kind` and `apiVersion` first. */
  object: { [key: string]: Json };
}

/** A body that cannot be decoded; `message` is the text upstream puts in its BadRequest Status. */
export class KubernetesProtobufError extends Error {
  override name = 'KubernetesProtobufError';
}

/** The scheme name kube-apiserver reports in "no kind is registered" errors. */
const SCHEME = 'pkg/api/legacyscheme/scheme.go:30';

/** Any failure while reading the bytes is the client's malformed body (a 400), never a server error. */
function describe(err: unknown): string {
  if (err instanceof ProtobufError) return err.message;
  return err instanceof Error ? `proto: ${err.message}` : String(err);
}

function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

function typeMeta(apiVersion: string, kind: string): string {
  return `runtime.TypeMeta{APIVersion:${JSON.stringify(apiVersion)}, Kind:${JSON.stringify(kind)}}`;
}

export function decodeKubernetesProtobuf(buf: Uint8Array): DecodedProtobufBody {
  let env;
  try {
    env = parseEnvelope(buf);
  } catch (err) {
    throw new KubernetesProtobufError(`the object provided is unrecognized: ${describe(err)}`);
  }
  const { apiVersion, kind } = env;
  if (!kind) throw new KubernetesProtobufError(`Object 'Kind' is missing in '${typeMeta(apiVersion, kind)}'`);
  if (!apiVersion) throw new KubernetesProtobufError(`Object 'apiVersion' is missing in '${typeMeta(apiVersion, kind)}'`);
  const name = messageForKind(apiVersion, kind);
  if (!name) {
    throw new KubernetesProtobufError(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme ${JSON.stringify(SCHEME)}`);
  }
  try {
    const fields = decodeMessageAt(name, env.raw, 0, env.raw.length);
    return { apiVersion, kind, object: { kind, apiVersion, ...fields } };
  } catch (err) {
    throw new KubernetesProtobufError(`${kind} in version ${JSON.stringify(versionOf(apiVersion))} cannot be handled as a ${kind}: ${describe(err)}`);
  }
}
