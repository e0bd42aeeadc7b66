import type { FileAction } from './file-action.js';

/** Reads up to this size are carved from a shared slab; larger ones get their own allocation. */
const SMALL_READ = 16 * 1024;
const SLAB_SIZE = 256 * 1024;

let slab: Buffer = Buffer.allocUnsafeSlow(SLAB_SIZE);
let used = 0;

/**
 * Reserves room for one read of `action.length` bytes: sets `action.buffer` to the memory and `action.bufferOffset`
 * to where the read goes in it.
 *
 * @remarks Node's own pool (Buffer.allocUnsafe) only serves sizes below 4 KiB, and a fresh 4 KiB Buffer costs about
 * 1 us, as much as the read itself. Small reads are carved from a 256 KiB slab instead, as Node does for its pool:
 * the slab lives while any buffer carved from it does, and only the bytes a read filled are ever handed out. No Buffer
 * object is created until the read succeeded (then one, by subarray).
 */
export function reserveReadBuffer(action: FileAction): void {
  const length = action.length;
  if (length > SMALL_READ) {
    action.buffer = Buffer.allocUnsafe(length);
    action.bufferOffset = 0;
    return;
  }
  if (used + length > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    used = 0;
  }
  action.buffer = slab;
  action.bufferOffset = used;
  // keep every buffer 8-byte aligned, as Node's pool does
  used = (used + length + 7) & ~7;
}
