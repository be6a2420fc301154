// The yaml package, loaded on first use. Most starts never read or write YAML (the shipped fixtures are
// precompiled to JSON, clients send JSON), and loading the package costs tens of milliseconds and a few MiB.
// Synchronous, so that the call sites stay synchronous: under Node the package's `import` and `require` both resolve
// to its CommonJS build (exports condition "node"), so this is the very module a static import would give.
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

export function yaml(): Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as Yaml);
}
