// Kubernetes protobuf request bodies (kubectl 1.32+ sends them for typed-client writes): the "k8s\0" envelope, a
// small wire reader, kubesim's own field tables and the message → JSON conversion.
export { decodeMessage, decodeMessageAt, type Json } from './convert.js';
export { decodeKubernetesProtobuf, KubernetesProtobufError, type DecodedProtobufBody } from './envelope.js';
export { message, messageForKind, MESSAGES } from './schema/index.js';
export { formatGoDuration } from './special.js';
export { hasProtobufPrefix, parseEnvelope, PROTOBUF_PREFIX } from './unknown.js';
export { ProtobufError, WireReader } from './wire.js';
