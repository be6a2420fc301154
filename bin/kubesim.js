#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import('../dist/cli.js').then((m) => m.main(process.argv)).catch((err) => {
  process.stderr.write(`kubesim: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
