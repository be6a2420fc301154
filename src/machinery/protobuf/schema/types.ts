// kubesim's own compact description of the Kubernetes protobuf messages it decodes. One entry per message,
// `'<group>.<version>.<Message>': { <jsonName>: [<field number>, '<type>'] }`, where <type> is:
//
//   string bool int32 int64 uint32 uint64 double float bytes   scalars (k8s enums are strings; bytes become base64)
//   Time MicroTime Duration Quantity IntOrString RawExtension FieldsV1   the apimachinery special types
//   core.v1.Container                                         another message of these tables
//   []T                                                       a repeated field (packed or not)
//   map<string,T>                                             a map (entries: key = 1, value = 2)
//   ...core.v1.VolumeSource                                   an embedded struct that JSON inlines into its parent
//   T?                                                        keep the value even when zero: a pointer in Go (*int32,
//                                                             *bool, *Struct...), or a zero that means something
//
// Non-`?` fields whose value is the zero value (0, false, '', an empty message) are dropped, as Go's non-pointer
// fields are indistinguishable from unset ones (gogo writes them anyway). Field numbers, names and pointer-ness were
// taken from the upstream Go types (k8s.io/api, k8s.io/apimachinery); unknown field numbers are skipped on decode.

export type FieldSpec = readonly [number, string];
export type MessageTable = Readonly<Record<string, Readonly<Record<string, FieldSpec>>>>;
