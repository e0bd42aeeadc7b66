// Run by the install script when `node-gyp rebuild` failed: the io_uring addon is optional, so the install goes on.
// Records one line that engine 'auto' reports as its reason for falling back to node-fs, and exits 0.
const fs = require('node:fs');
const path = require('node:path');

const line = `node-gyp rebuild failed at install (node ${process.version}, ${process.platform}-${process.arch}); see the install log`;
try {
  fs.writeFileSync(path.join(__dirname, 'build-failure.txt'), `${line}\n`);
} catch {
  // a read-only install: the reason is only printed
}
console.warn(`async-file: the optional io_uring addon was not built: ${line}. Engine 'auto' uses node-fs.`);
