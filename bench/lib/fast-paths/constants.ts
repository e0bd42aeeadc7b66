/**
 * The settings shared by the sections of the `fast-paths` group, and the names of its cases (they are the keys of the
 * group's JSON report and of its ratios, so they never change spelling).
 */

/** syncThresholdBytes of every fast-path configuration: one 4 KiB block. */
export const THRESHOLD = 4096;

export const NAMES = {
  threshold: 'reads: manager syncThresholdBytes 4096, 64 handles chaining',
  probe: 'reads: manager syncThresholdBytes 4096 + cacheProbe, 64 handles chaining',
  pool: 'reads: manager syncThresholdBytes 4096 + BufferPool (releaseBuffer), 64 handles chaining',
  probePool: 'reads: manager syncThresholdBytes 4096 + cacheProbe + BufferPool (releaseBuffer), 64 handles chaining',
  probeInto: 'reads: manager syncThresholdBytes 4096 + cacheProbe, readInto one buffer per handle, 64 handles chaining',
  autoProbe: "reads: manager (engine 'auto') syncThresholdBytes 4096 + cacheProbe, 64 handles chaining",
  autoProbeInto:
    "reads: manager (engine 'auto') syncThresholdBytes 4096 + cacheProbe, readInto one buffer per handle, 64 handles chaining",
  plain: 'reads: manager without the fast path, 64 handles chaining',
  callback: 'reads: callback fs.read, 64 in flight, one buffer per lane',
  sync: 'reads: readSync loop',
  syncAlloc: 'reads: readSync loop, new 4 KiB Buffer per read (as the default slab buffers hand out)',
  floorLater: "reads: the contract's floor: readSync, delivered on a later turn in batches, 64 lanes",
  floorLaterOp:
    "reads: the contract's floor: readSync + an AsyncOp per read, delivered on a later turn in batches, 64 lanes",
  floorLaterOpControl:
    "reads: the contract's floor: readSync + an AsyncOp per read, delivered on a later turn in batches, 64 lanes (control: the same case again)",
  floorMicrotaskOp:
    "reads: the contract's floor, delivered on a microtask instead: readSync + an AsyncOp per read, 64 lanes",
  uncachedProbe: 'uncached: manager syncThresholdBytes 4096 + cacheProbe, 32 handles',
  uncachedThreshold: 'uncached: manager syncThresholdBytes 4096 (no probe), 32 handles',
  uncachedPlain: 'uncached: manager without the fast path, 32 handles',
  uncachedPlainControl: 'uncached: manager without the fast path, 32 handles (control: the same case again)',
  uncachedIdle: 'uncached: idle loop, no reads (the delay floor of this machine)',
  uncachedAutoProbe: "uncached: manager (engine 'auto') syncThresholdBytes 4096 + cacheProbe, 32 handles",
  allocPool: 'alloc: manager threshold + probe + BufferPool (releaseBuffer); B/op = new ArrayBuffer memory',
  allocSlab: 'alloc: manager threshold + probe, default slab buffers; B/op = new ArrayBuffer memory',
} as const;

/** The fast-path configurations of section 1, best first when the goal names the best one. */
export const FAST_CONFIGS = [NAMES.threshold, NAMES.probe, NAMES.pool, NAMES.probePool, NAMES.probeInto] as const;
