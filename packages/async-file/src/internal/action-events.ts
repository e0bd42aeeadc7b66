import diagnosticsChannel from 'node:diagnostics_channel';
import type { ActionSettlementOutcome } from '../action-settlement.js';
import type { EngineError } from '../file-callback.js';
import { AsyncFileChannels, type FileActionEvent } from '../file-action-channels.js';
import type { FileTraceEventType, FileTraceListener } from '../file-trace.js';
import type { FileAction } from './file-action.js';
import { settleCanceled } from './settle-canceled.js';

// Created once, at module load, and held here: Node keeps a channel only while someone holds it, and a subscriber
// that arrives later by name finds these same objects.
export const queuedChannel = diagnosticsChannel.channel(AsyncFileChannels.queued);
export const startedChannel = diagnosticsChannel.channel(AsyncFileChannels.started);
export const completedChannel = diagnosticsChannel.channel(AsyncFileChannels.completed);
export const canceledChannel = diagnosticsChannel.channel(AsyncFileChannels.canceled);
export const undoneChannel = diagnosticsChannel.channel(AsyncFileChannels.undone);
export const settledChannel = diagnosticsChannel.channel(AsyncFileChannels.settled);

/** What every event of a manager's actions names besides the action: the manager and its engine. */
interface EventSource {
  readonly managerId: number;
  readonly engineName: string;
}

/** The bytes an action moved, where the point knows them (see FileActionEvent). */
function transferredBytes(action: FileAction, error: EngineError | Error | null, value: unknown): number | undefined {
  // a write counts every chunk it wrote, also when it then failed or was canceled (those bytes stay)
  if (action.step.isWrite) return action.progress;
  if (error !== null) return undefined;
  if (typeof value === 'number') return value;
  return value instanceof Uint8Array ? value.length : undefined;
}

/** The error's code, or its name when it has none (so that a failure is never reported as a success). */
function errorCode(error: EngineError | Error | null): string | undefined {
  if (error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

/**
 * The event of `action` at one point: `error` and `value` (the callback's value or the engine's result) as the point
 * knows them; `isEnd` for the points after the engine reported, where the bytes moved are known.
 */
function actionEvent(
  source: EventSource,
  action: FileAction,
  error: EngineError | Error | null,
  value: unknown,
  outcome: ActionSettlementOutcome | undefined,
  isEnd: boolean,
): FileActionEvent {
  const step = action.step;
  return {
    managerId: source.managerId,
    actionId: action.id,
    action: step.kind,
    handleId: action.handle === null ? undefined : action.handle.id,
    engine: source.engineName,
    slot: action.slot,
    requestedBytes: step.transfersBytes ? action.length : undefined,
    transferredBytes: isEnd && step.transfersBytes ? transferredBytes(action, error, value) : undefined,
    error: errorCode(error),
    outcome,
  };
}

/** The points after the engine reported (where the bytes moved are known), as trace events and as channels. */
const END_TYPES: ReadonlySet<FileTraceEventType> = new Set(['finished', 'callback', 'settled']);
const END_CHANNELS: ReadonlySet<diagnosticsChannel.Channel> = new Set([completedChannel, settledChannel]);

/** The id of the next manager created in this process. */
let nextManagerId = 1;

/**
 * Where the lifecycle points of one manager's actions go: its `trace` listener and the diagnostics channels. Every
 * point is reported from here, as one event, so the two can never disagree.
 */
export class ActionEvents implements EventSource {
  /** Unique in the process: the `managerId` of every event (AsyncFileManager.id). */
  readonly managerId = nextManagerId++;

  /**
   * @param engineName - the `engine` of every event.
   * @param trace - the manager's `trace` option.
   */
  constructor(
    readonly engineName: string,
    private readonly trace: FileTraceListener | undefined,
  ) {}

  /**
   * One lifecycle point of `action`: a `type` event to the `trace` listener (unless null) and a message on `channel`
   * (unless null). With nobody listening it costs two checks and allocates nothing. Never throws (see report).
   */
  emit(
    type: FileTraceEventType | null,
    channel: diagnosticsChannel.Channel | null,
    action: FileAction,
    error: EngineError | Error | null,
    value: unknown,
    outcome: ActionSettlementOutcome | undefined,
  ): void {
    const isPublished = channel !== null && channel.hasSubscribers;
    if ((this.trace !== undefined && type !== null) || isPublished) {
      const isEnd = type === null ? channel !== null && END_CHANNELS.has(channel) : END_TYPES.has(type);
      this.report(type, isPublished ? channel : null, actionEvent(this, action, error, value, outcome, isEnd));
    }
  }

  /** Ends a canceled action's story: the `settled` event, then its `onSettled` listener (on a microtask). */
  settle(action: FileAction, outcome: ActionSettlementOutcome, error: EngineError | null, result: unknown): void {
    this.emit('settled', settledChannel, action, error, result, outcome);
    settleCanceled(action, outcome, error, result);
  }

  /**
   * Hands the event to whoever listens. Node catches what a channel subscriber throws and reports it on the next tick;
   * what the trace listener throws is reported the same way, never thrown into the manager, where it would leave the
   * action half done (a slot taken and never freed, a callback never called).
   */
  private report(
    type: FileTraceEventType | null,
    channel: diagnosticsChannel.Channel | null,
    event: FileActionEvent,
  ): void {
    const trace = this.trace;
    if (trace !== undefined && type !== null) {
      try {
        trace({ time: performance.now(), type, ...event });
      } catch (thrown) {
        process.nextTick(rethrow, thrown);
      }
    }
    channel?.publish(event);
  }
}

function rethrow(thrown: unknown): never {
  throw thrown;
}
