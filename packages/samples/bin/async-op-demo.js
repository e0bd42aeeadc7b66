#!/usr/bin/env node
// The demo CLI's bin: a committed file, so npm can link it at install time, before the TypeScript is built.
/* global console, process */
import('../dist/src/cli/main.js').catch((error) => {
  console.error(
    `async-op-demo: ${error.code === 'ERR_MODULE_NOT_FOUND' ? 'not built yet: run `npm run build` first' : error.message}`,
  );
  process.exitCode = 2;
});
