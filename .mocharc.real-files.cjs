'use strict';
// The real-file runs of npm test's matrix (test/support/run-engines.ts runs it with ASYNC_FILE_ENGINE=io_uring, and with
// the fast path on through ASYNC_FILE_SYNC_THRESHOLD and ASYNC_FILE_CACHE_PROBE): .mocharc.json's options, on the
// async-file, module kit, samples and conformance suites that run managers created without `engine` on real files.
// `grep` keeps, from the module kit's and samples' files and the conformance matrix, only their real-file tests (titled
// `real files`; the rest run on the scripted engine, the same in every run); every async-file suite listed touches
// real files.
const base = require('./.mocharc.json');

module.exports = {
  ...base,
  spec: [
    'packages/async-file/dist/test/file-handle.test.js',
    'packages/async-file/dist/test/file-handle-cancel.test.js',
    'packages/async-file/dist/test/file-manager.test.js',
    'packages/async-file/dist/test/promise-file-handle.test.js',
    'packages/async-file/dist/test/internal/scheduler.test.js',
    'packages/async-file/dist/test/fast-path.test.js',
    'packages/async-file/dist/test/direct-io.test.js',
    'packages/async-file/dist/test/write-new-file.test.js',
    'packages/async-file/dist/test/action-settlement.test.js',
    'packages/async-file/dist/test/file-action-channels.test.js',
    'packages/async-file/dist/test/file-trace.test.js',
    'packages/async-file/dist/test/otel-bridge.test.js',
    'packages/async-file/dist/test/hostile/file-handle.property.test.js',
    'packages/async-file/dist/test/hostile/file-manager.property.test.js',
    'packages/module-kit/dist/test/examples/chunked-copy.test.js',
    'packages/module-kit/dist/test/file-jobs/file-job.test.js',
    'packages/samples/dist/test/ll-real-cancel.test.js',
    'packages/samples/dist/test/ll-fake-cancel.test.js',
    'packages/samples/dist/test/ml-chain.test.js',
    'packages/samples/dist/test/hl-cancel-all.test.js',
    'packages/samples/dist/test/hostile-requests.test.js',
    'test/dist/conformance/**/*.test.js',
  ],
  grep: '^(AsyncFileHandle|AsyncFileManager|PromiseFileHandle|PromiseFileManager) |real files',
};
