import { describeValue } from 'async-op';
import { ENGINE_CAPABILITIES, type EngineCapabilities, type EngineCapability } from '../engine-capabilities.js';
import { REQUIRED_ENGINE_METHODS, type EngineMethodName, type FileEngine } from '../file-engine.js';

/** The methods a capability declared `true` obliges an engine to have. */
const METHODS_OF: Readonly<Partial<Record<EngineCapability, readonly EngineMethodName[]>>> = {
  syncCalls: ['readNow', 'writeNow'],
  noWaitCalls: ['readNow', 'writeNow'],
  directIo: ['directIoAlignment'],
  writeNewFile: ['writeNewFile'],
};

function refuse(engine: unknown, what: string): TypeError {
  return new TypeError(`Expected \`engine\` to implement FileEngine (${what}), got ${describeValue(engine)}`);
}

/**
 * Checks that `engine` can serve a manager: a `name`, a `capabilities` object whose every entry is `true` or a reason,
 * every required method, and the methods of each capability it declares `true`.
 *
 * @throws TypeError naming the first thing missing (a method by its name) and the value received.
 * @remarks A capability is read only when the method it needs is missing: engines whose support depends on the native
 *   addon (node-fs, io_uring) do not load it here.
 */
export function expectEngine(engine: unknown): asserts engine is FileEngine {
  if (typeof engine !== 'object' || engine === null) throw refuse(engine, 'an object');
  const candidate = engine as Partial<Record<string, unknown>>;
  if (typeof candidate['name'] !== 'string') throw refuse(engine, 'its `name` must be a string');
  const capabilities = candidate['capabilities'];
  if (typeof capabilities !== 'object' || capabilities === null) {
    throw refuse(engine, 'it declares no `capabilities` object');
  }
  for (const method of REQUIRED_ENGINE_METHODS) {
    if (typeof candidate[method] !== 'function') throw refuse(engine, `it has no method \`${method}\``);
  }
  for (const capability of ENGINE_CAPABILITIES) {
    for (const method of METHODS_OF[capability] ?? []) {
      if (typeof candidate[method] === 'function') continue;
      const support = (capabilities as EngineCapabilities)[capability];
      if (support === true) {
        throw refuse(engine, `it declares capability \`${capability}\` but has no method \`${method}\``);
      }
      if (typeof support !== 'string') {
        throw refuse(
          engine,
          `its capability \`${capability}\` must be true or a reason, got ${describeValue(support)}`,
        );
      }
    }
  }
}
