import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IoUringEngine, NodeFsEngine, ScriptedEngine, selectEngine, type FileEngine } from '../../src/index.js';
import type { EngineUnderTest } from './engine-contract.js';

/** One engine of the package, as its tests make it. */
export interface EngineEntry {
  /** Its `name` (`node-fs`, `scripted`, `io_uring`). */
  readonly name: string;
  /** Whether it works on the real file system (descriptors, paths); else on its own in-memory one. */
  readonly isOnRealFiles: boolean;
  /** A new engine. */
  create(): FileEngine;
  /** A new engine with an empty directory to work in, for the contract suite. */
  subject(): EngineUnderTest;
}

/** A real engine over a fresh temporary directory, removed (and the engine disposed of) on dispose. */
function onRealFiles(engine: FileEngine): EngineUnderTest {
  const directory = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'engine-contract-')));
  return {
    engine,
    directory,
    writeFile: (file, data) => fs.writeFileSync(file, data),
    readFile: (file) => (fs.existsSync(file) ? fs.readFileSync(file) : undefined),
    list: () => fs.readdirSync(directory).sort(),
    dispose: () => {
      disposeEngine(engine);
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The scripted engine, its calls completing on later turns as a real engine's do, in its own file system. */
function scriptedSubject(): EngineUnderTest {
  const engine = new ScriptedEngine({ completion: 'async' });
  engine.addDirectory('/contract');
  return {
    engine,
    directory: '/contract',
    writeFile: (file, data) => engine.writeFile(file, data),
    readFile: (file) => engine.readFile(file),
    list: () => engine.listDirectory('/contract'),
    // nothing to release (the contract's own tests misuse descriptors on purpose, which it records as violations)
    dispose: () => undefined,
  };
}

/** Releases what an engine holds (its optional dispose: io_uring closes its ring). */
export function disposeEngine(engine: FileEngine): void {
  engine[Symbol.dispose]?.();
}

let ioUring: boolean | undefined;

/** Whether io_uring runs here (the kernel, the sysctl, seccomp and the built addon allow it). */
export function hasIoUring(): boolean {
  if (ioUring === undefined) {
    const { engine } = selectEngine('auto');
    ioUring = engine instanceof IoUringEngine;
    disposeEngine(engine);
  }
  return ioUring;
}

/**
 * Every engine of the package that runs here, as the engine suites call them directly (the contract, hostile
 * arguments): the one list a new engine is added to. io_uring only where it runs (its own suite says why not).
 */
export function enginesUnderTest(): EngineEntry[] {
  const entries: EngineEntry[] = [
    {
      name: 'node-fs',
      isOnRealFiles: true,
      create: () => new NodeFsEngine(),
      subject: () => onRealFiles(new NodeFsEngine()),
    },
    {
      name: 'scripted',
      isOnRealFiles: false,
      create: () => new ScriptedEngine({ completion: 'manual' }),
      subject: scriptedSubject,
    },
  ];
  if (hasIoUring()) {
    entries.push({
      name: 'io_uring',
      isOnRealFiles: true,
      create: () => new IoUringEngine(),
      subject: () => onRealFiles(new IoUringEngine()),
    });
  }
  return entries;
}
