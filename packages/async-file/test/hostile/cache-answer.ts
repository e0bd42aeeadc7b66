import fs from 'node:fs';
import { expect } from 'chai';
import type { FileEngine } from '../../src/index.js';
import { descriptorTarget } from '../support/descriptors.js';
import type { EngineCall } from './engine-calls.js';

/**
 * Checks what isCached answered: true, false or undefined, whatever the descriptor. Where `canTell` (the kernel
 * answers cachestat here): true for an empty range (every byte of it is cached), a boolean for the run's own file.
 * Undefined for a descriptor that is not open, unless the range is empty.
 */
export function expectCacheAnswer(
  call: EngineCall,
  fd: unknown,
  answer: unknown,
  canTell: boolean,
  what: string,
): void {
  expect([true, false, undefined], `${what}: the answer`).to.include(answer);
  if (call.length === 0) {
    if (canTell) expect(answer, `${what}: the answer for an empty range`).to.equal(true);
    return;
  }
  if (call.fd === 'own') {
    expect(typeof answer, `${what}: the answer for an open file`).to.equal(canTell ? 'boolean' : 'undefined');
  }
  // a closed number another thread has reused since is open again: any answer is then right
  const isClosed = call.fd === 2 ** 31 - 1 || (call.fd === 'closed' && descriptorTarget(fd as number) === undefined);
  if (isClosed) expect(answer, `${what}: the answer for a descriptor that is not open`).to.equal(undefined);
}

/** Whether `engine` answers isCached for `file` here (the kernel has cachestat and answers it for this file). */
export function canTellCached(engine: FileEngine, file: string): boolean {
  const fd = fs.openSync(file, 'r+');
  try {
    return typeof engine.isCached?.(fd, 0, 1) === 'boolean';
  } finally {
    fs.closeSync(fd);
  }
}
