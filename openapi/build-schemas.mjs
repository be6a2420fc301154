#!/usr/bin/env node
// Build step: derives the Kubernetes component schemas served at /openapi/v3 from the `kubernetes-types` package
// (TypeScript declarations generated from the upstream OpenAPI document, with the Go doc comments as JSDoc) and writes
// them to openapi/generated/schemas.json, named the upstream way (io.k8s.api.core.v1.Pod, ...).
//
// The artifact holds what the declarations can express: properties, optional-ness (-> required), arrays, maps,
// references, descriptions, and the group-version-kind of top-level kinds (their literal apiVersion/kind types).
// What they cannot express (int32 vs int64, date-time, byte, int-or-string, patch strategies, list types) is
// kubesim's own fact tables, merged when the documents are assembled (src/openapi/).
//
//   node openapi/build-schemas.mjs            writes the artifact (run by `npm run build` and `prepare`)
//   node openapi/build-schemas.mjs --check    only reports the counts
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = path.join(ROOT, 'openapi', 'generated', 'schemas.json');
export const REF_PREFIX = '#/components/schemas/';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** The OpenAPI name prefix of a kubernetes-types module (`core/v1`, `meta/v1`, `api/resource`, `runtime` ...). */
function packagePrefix(mod) {
  switch (mod) {
    case 'meta/v1':
      return 'io.k8s.apimachinery.pkg.apis.meta.v1';
    case 'api/resource':
      return 'io.k8s.apimachinery.pkg.api.resource';
    case 'runtime':
      return 'io.k8s.apimachinery.pkg.runtime';
    case 'version':
      return 'io.k8s.apimachinery.pkg.version';
    case 'apiextensions/v1':
      return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
    default:
      return `io.k8s.api.${mod.split('/').join('.')}`;
  }
}

function declarationFiles(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...declarationFiles(full, base));
    else if (entry.name.endsWith('.d.ts')) out.push({ file: full, mod: path.relative(base, full).slice(0, -'.d.ts'.length).split(path.sep).join('/') });
  }
  return out.sort((a, b) => (a.mod < b.mod ? -1 : a.mod > b.mod ? 1 : 0));
}

/** The JSDoc block right before a node, as upstream's description text (Go doc comment, markdown-ish). */
function description(node, text) {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => text.startsWith('/**', r.pos)).pop();
  if (!doc) return undefined;
  const body = text.slice(doc.pos + 3, doc.end - 2);
  const lines = body.split('\n').map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  const joined = lines.join('\n').replace(/^\n+|\n+$/g, '');
  return joined.trim() === '' ? undefined : joined.replace(/^ +/, '');
}

/** A literal type's string value (`"apps/v1"`), or undefined. */
function literal(typeNode) {
  return typeNode && ts.isLiteralTypeNode(typeNode) && ts.isStringLiteral(typeNode.literal) ? typeNode.literal.text : undefined;
}

class ModuleReader {
  constructor(file, mod, schemas) {
    this.mod = mod;
    this.prefix = packagePrefix(mod);
    this.text = readFileSync(file, 'utf8');
    this.source = ts.createSourceFile(file, this.text, ts.ScriptTarget.Latest, true);
    this.schemas = schemas;
    this.names = new Map(); // local name -> full schema name
    this.usesIntOrString = false;
  }

  read() {
    for (const st of this.source.statements) {
      if (ts.isImportDeclaration(st)) this.readImport(st);
      else if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) this.names.set(st.name.text, `${this.prefix}.${st.name.text}`);
    }
    for (const st of this.source.statements) {
      if (ts.isInterfaceDeclaration(st)) this.schemas[this.names.get(st.name.text)] = this.interfaceSchema(st);
      else if (ts.isTypeAliasDeclaration(st)) this.schemas[this.names.get(st.name.text)] = this.aliasSchema(st);
    }
  }

  readImport(st) {
    const from = path.posix.normalize(path.posix.join(path.posix.dirname(this.mod), st.moduleSpecifier.text));
    for (const el of st.importClause?.namedBindings?.elements ?? []) {
      this.names.set(el.name.text, `${packagePrefix(from)}.${(el.propertyName ?? el.name).text}`);
    }
  }

  fail(node, what) {
    const { line } = this.source.getLineAndCharacterOfPosition(node.getStart());
    throw new Error(`${this.mod}.d.ts:${line + 1}: unsupported ${what}: ${node.getText()}`);
  }

  interfaceSchema(decl) {
    const schema = { description: description(decl, this.text), type: 'object' };
    const properties = {};
    const required = [];
    let apiVersion;
    let kind;
    for (const member of decl.members) {
      if (!ts.isPropertySignature(member) || !member.type) this.fail(member, 'member');
      const name = ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
      if (name === 'apiVersion') apiVersion = literal(member.type);
      if (name === 'kind') kind = literal(member.type);
      properties[name] = this.propertySchema(member.type, description(member, this.text));
      if (!member.questionToken) required.push(name);
    }
    if (Object.keys(properties).length) schema.properties = sortKeys(properties);
    if (required.length) schema.required = required;
    if (apiVersion && kind) {
      const slash = apiVersion.indexOf('/');
      schema['x-kubernetes-group-version-kind'] = [
        { group: slash < 0 ? '' : apiVersion.slice(0, slash), kind, version: apiVersion.slice(slash + 1) },
      ];
    }
    return clean(schema);
  }

  aliasSchema(decl) {
    const schema = { description: description(decl, this.text) };
    // `type Quantity = string`, `type Time = string`: named string schemas. Unions (JSONSchemaPropsOrBool ...) are
    // left untyped, as upstream does.
    if (decl.type.kind === ts.SyntaxKind.StringKeyword) schema.type = 'string';
    else if (!ts.isUnionTypeNode(decl.type)) this.fail(decl, 'type alias');
    return clean(schema);
  }

  /** A property: references carry their description beside an allOf, like kube-openapi's v3 output. */
  propertySchema(typeNode, desc) {
    const schema = this.typeSchema(typeNode);
    if (schema.$ref) return clean({ allOf: [schema], description: desc });
    return clean({ description: desc, ...schema });
  }

  typeSchema(node) {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'integer' }; // int32 / int64 / double: src/openapi/formats.ts
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
    }
    if (literal(node) !== undefined) return { type: 'string' };
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: this.typeSchema(node.elementType) };
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if (name === 'Array' && node.typeArguments?.length === 1) return { type: 'array', items: this.typeSchema(node.typeArguments[0]) };
      const full = this.names.get(name);
      if (!full) this.fail(node, 'reference');
      return { $ref: REF_PREFIX + full };
    }
    if (ts.isTypeLiteralNode(node)) {
      const [sig] = node.members;
      if (node.members.length !== 1 || !ts.isIndexSignatureDeclaration(sig)) this.fail(node, 'type literal');
      return { type: 'object', additionalProperties: this.typeSchema(sig.type) };
    }
    if (ts.isUnionTypeNode(node)) {
      const kinds = node.types.map((t) => t.kind).sort();
      if (kinds.length === 2 && kinds[0] === ts.SyntaxKind.NumberKeyword && kinds[1] === ts.SyntaxKind.StringKeyword) {
        this.usesIntOrString = true;
        return { $ref: REF_PREFIX + INT_OR_STRING };
      }
    }
    return this.fail(node, 'type');
  }
}

function sortKeys(obj) {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}

/** Drops undefined members (absent descriptions). */
function clean(obj) {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

/** Reads every declaration file of kubernetes-types; returns the artifact object. */
export function buildSchemas(packageDir = path.dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'))) {
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const schemas = {};
  let intOrString = false;
  for (const { file, mod } of declarationFiles(packageDir)) {
    const reader = new ModuleReader(file, mod, schemas);
    reader.read();
    intOrString ||= reader.usesIntOrString;
  }
  // `number | string` fields are upstream's intstr.IntOrString, which has no declaration of its own.
  if (intOrString) schemas[INT_OR_STRING] = { oneOf: [{ type: 'integer' }, { type: 'string' }] };
  return { source: `${pkg.name}@${pkg.version}`, schemas: sortKeys(schemas) };
}

/** Writes the artifact atomically (a reader never sees half a file). */
export function writeSchemas(artifact, output = OUTPUT) {
  mkdirSync(path.dirname(output), { recursive: true });
  const tmp = `${output}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(artifact));
  renameSync(tmp, output);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const artifact = buildSchemas();
  const count = Object.keys(artifact.schemas).length;
  if (process.argv.includes('--check')) {
    console.log(`${count} schemas from ${artifact.source} (${Date.now() - started} ms)`);
  } else {
    writeSchemas(artifact);
    console.log(`openapi: ${count} schemas from ${artifact.source} -> ${path.relative(process.cwd(), OUTPUT)} (${Date.now() - started} ms)`);
  }
}
