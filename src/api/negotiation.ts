// Content negotiation: what the client accepts (JSON, YAML, Table, aggregated discovery) and how request bodies are
// decoded (upstream k8s.io/apiserver/pkg/endpoints/handlers/negotiation).
import { yaml } from '../yaml.js';
import { errors } from '../machinery/errors.js';
import { decodeKubernetesProtobuf, KubernetesProtobufError } from '../machinery/protobuf/index.js';

export type OutputFormat = 'json' | 'yaml' | 'table';

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...rest] = part.trim().split(';');
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: type.trim().toLowerCase(), params };
  });
}

const SERIALIZERS = new Set(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', '*/*', 'application/*']);

/**
 * The response format for resource requests. Table when the first acceptable range asks for it; JSON for protobuf
 * (kubectl decodes by the response Content-Type); 406 when nothing acceptable is offered.
 */
export function chooseFormat(accept: string | undefined): OutputFormat {
  const ranges = parseAccept(accept);
  if (!ranges.length) return 'json';
  for (const r of ranges) {
    if (r.params.as) {
      if (r.params.as === 'Table' && r.params.g === 'meta.k8s.io' && (r.params.v === 'v1' || r.params.v === 'v1beta1')) return 'table';
      continue; // another "as" (e.g. PartialObjectMetadata) we do not serve: try the next range
    }
    if (!SERIALIZERS.has(r.type)) continue;
    return r.type === 'application/yaml' ? 'yaml' : 'json';
  }
  throw errors.notAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
}

/** Which aggregated discovery version (if any) the client asked for, as upstream's discovery handler decides. */
export function chooseDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | 'legacy' {
  for (const r of parseAccept(accept)) {
    if (r.params.g === 'apidiscovery.k8s.io' && r.params.as === 'APIGroupDiscoveryList') {
      if (r.params.v === 'v2') return 'v2';
      if (r.params.v === 'v2beta1') return 'v2beta1';
    } else if (SERIALIZERS.has(r.type) && !r.params.as) {
      return 'legacy';
    }
  }
  return 'legacy';
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Decodes a create/update/delete-options body (JSON, YAML or Kubernetes protobuf) into the JSON object; 400/415
 * otherwise. Protobuf bodies come out as the object a JSON client would have sent, kind and apiVersion included.
 */
export function decodeObjectBody(body: Buffer, contentType: string | undefined): Record<string, any> {
  const type = mediaType(contentType) || 'application/json';
  if (type === 'application/vnd.kubernetes.protobuf') {
    try {
      return decodeKubernetesProtobuf(body).object;
    } catch (err) {
      // upstream answers every undecodable body of a supported media type with 400 (transformDecodeError)
      if (err instanceof KubernetesProtobufError) throw errors.badRequest(err.message);
      throw err;
    }
  }
  const text = body.toString('utf8');
  let value: unknown;
  if (type === 'application/json') {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
  } else if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    try {
      value = yaml().parse(text);
    } catch (err) {
      throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  } else {
    throw errors.unsupportedMediaType(
      'application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest(`Object 'Kind' is missing in '${text.slice(0, 200)}'`);
  }
  return value as Record<string, any>;
}

/** Go's strconv.ParseBool, as the apiserver converts boolean query parameters. */
export function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

export function parseIntParam(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw errors.badRequest(`invalid value for query parameter ${name}: ${JSON.stringify(v)}`);
  return n;
}
