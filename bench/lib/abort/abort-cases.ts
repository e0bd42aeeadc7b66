/**
 * The cases of the `abort` group: a whole-file read in chunks through the manager (callback API and Promise facade),
 * on an instrumented engine of each kind, and through Node's own APIs.
 */
import {
  AsyncFileManager,
  IoUringEngine,
  NodeFsEngine,
  PromiseFileManager,
  type AsyncFileHandle,
  type PromiseFileHandle,
} from 'async-op-file';
import { autoEngineClass, type DescriptorEngineClass } from '../auto-manager.js';
import { closeHandles, openReadHandles } from '../random-reads.js';
import { CHUNK, FILE_BYTES, LANES, NAMES } from './constants.js';
import { startFacadeRead, startManagerRead } from './manager-reads.js';
import { startReadFile, startReadStream } from './node-reads.js';
import { recordingEngine, type RecordingEngine } from './recording-engine.js';
import type { StartedRead } from './started-read.js';

/** One case: what it reads through, opened before each run and closed after it (untimed). */
export interface AbortCase {
  readonly name: string;
  readonly role: 'subject' | 'baseline';
  /** A manager case's engine, which counts its reads; undefined for Node's APIs (counted by /proc/self/io). */
  readonly engine: RecordingEngine | undefined;
  prepare(): Promise<void>;
  /** Starts reading; `procProgress` gives the bytes /proc/self/io counted since the start. */
  start(procProgress: () => number): StartedRead;
  finish(): Promise<void>;
  /** At the end of the group: closes the case's manager (and its io_uring ring). */
  close(): Promise<void>;
}

function newManager(Engine: DescriptorEngineClass): { engine: RecordingEngine; manager: AsyncFileManager } {
  const engine = new (recordingEngine(Engine))();
  // concurrency 1: one chunk executes, the other lanes' reads wait in the manager's queue (what a cancel must drop)
  const manager = new AsyncFileManager({ engine, concurrency: 1, syncThresholdBytes: 0, cacheProbe: false });
  return { engine, manager };
}

function callbackCase(name: string, Engine: DescriptorEngineClass, file: string): AbortCase {
  const { engine, manager } = newManager(Engine);
  let handles: AsyncFileHandle[] = [];
  return {
    name,
    role: 'subject',
    engine,
    async prepare() {
      handles = await openReadHandles(manager, file, LANES);
    },
    start: () => startManagerRead(handles, FILE_BYTES, CHUNK, () => engine.record),
    async finish() {
      await closeHandles(handles);
      handles = [];
    },
    close: () => manager.close(),
  };
}

function facadeCase(name: string, Engine: DescriptorEngineClass, file: string): AbortCase {
  const { engine, manager } = newManager(Engine);
  const files = new PromiseFileManager(manager);
  let handles: PromiseFileHandle[] = [];
  return {
    name,
    role: 'subject',
    engine,
    async prepare() {
      handles = Array.from({ length: LANES }, () => files.newFileHandle());
      await Promise.all(handles.map((handle) => handle.openExistingFile(file, 'read')));
    },
    start: () => startFacadeRead(handles, FILE_BYTES, CHUNK, () => engine.record),
    async finish() {
      await Promise.all(handles.map((handle) => handle.close()));
      handles = [];
    },
    close: () => manager.close(),
  };
}

function nodeCase(name: string, start: (progress: () => number) => StartedRead): AbortCase {
  const nothing = async (): Promise<void> => undefined;
  return { name, role: 'baseline', engine: undefined, prepare: nothing, start, finish: nothing, close: nothing };
}

/** Every case on `file`; the io_uring one only where `uringUnavailable` is undefined. */
export function abortCases(file: string, uringUnavailable: string | undefined): AbortCase[] {
  const Auto = autoEngineClass();
  return [
    callbackCase(NAMES.managerNodeFs, NodeFsEngine, file),
    ...(uringUnavailable === undefined ? [callbackCase(NAMES.managerUring, IoUringEngine, file)] : []),
    callbackCase(NAMES.managerAuto, Auto, file),
    facadeCase(NAMES.facadeNodeFs, NodeFsEngine, file),
    facadeCase(NAMES.facadeAuto, Auto, file),
    nodeCase(NAMES.readFile, (progress) => startReadFile(file, progress)),
    nodeCase(NAMES.stream, (progress) => startReadStream(file, CHUNK, progress)),
  ];
}
