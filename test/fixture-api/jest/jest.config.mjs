// jest configuration of the example suite in this directory: kubesim under jest (no vitest). kubesim is an ES module
// package, so the test files are ES modules too, which jest runs with Node's VM modules:
//   npm run build && NODE_OPTIONS=--experimental-vm-modules npx jest --config test/fixture-api/jest/jest.config.mjs
// test/fixture-api/jest.test.ts runs it that way, after building.
import { fileURLToPath } from 'node:url';

export default {
  rootDir: fileURLToPath(new URL('.', import.meta.url)),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.mjs'],
  // Nothing to compile: the tests are plain ES modules and kubesim is already JavaScript (dist/).
  transform: {},
};
