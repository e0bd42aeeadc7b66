// The worker of the cross-thread tests: serves the calls below through CrossThreadServer. Not a test file.
import { parentPort } from 'node:worker_threads';
import { CrossThreadServer, LeakTracker, SharedCancelFollower } from '../../../src/index.js';
import type { TestRequest } from './test-requests.js';

LeakTracker.enable();

/** Followers a `follow` request created, by id: the slot-reuse property checks them later. */
const followers = new Map<number, SharedCancelFollower>();

function signalStarted(request: { readonly started?: Int32Array | undefined }): void {
  if (request.started === undefined) return;
  Atomics.store(request.started, 0, 1);
  Atomics.notify(request.started, 0);
}

function describeReason(reason: unknown): { message: string; kind: string | undefined } {
  const { message, kind } = (reason ?? {}) as { message?: unknown; kind?: unknown };
  return { message: String(message ?? reason), kind: typeof kind === 'string' ? kind : undefined };
}

function handle(request: TestRequest, follower: SharedCancelFollower): unknown {
  switch (request.kind) {
    case 'spin': {
      // a busy loop that never yields: only the one-load check can see the cancel
      signalStarted(request);
      const deadline = Date.now() + request.maxMs;
      let steps = 0;
      while (!follower.isCanceled) {
        if (++steps % 1024 === 0 && Date.now() > deadline) return { steps, isTimedOut: true };
      }
      follower.throwIfCanceled();
      return { steps };
    }
    case 'idle':
      // nothing checks: only the doorbell can cancel this op
      signalStarted(request);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve({ isTimedOut: true }), request.maxMs);
        follower.op.onCancel((reason) => {
          clearTimeout(timer);
          reject(reason);
        });
      });
    case 'sleep':
      // ignores cancel: returns its value after `ms`, whatever happens
      signalStarted(request);
      return new Promise((resolve) => setTimeout(() => resolve(request.value), request.ms));
    case 'value':
      return request.value;
    case 'throw':
      throw Object.assign(new Error(request.message), { code: request.code, kind: request.kind2 });
    case 'exit':
      return process.exit(request.code);
    case 'crash':
      setTimeout(() => {
        throw new Error(request.message);
      }, 0);
      return new Promise(() => undefined);
    case 'uncloneable':
      return () => undefined;
    case 'follow': {
      // the slot-reuse property: follow a descriptor (maybe stale) and keep the follower
      const kept = SharedCancelFollower.follow(request.descriptor, { watch: request.watch });
      followers.set(request.id, kept);
      return null;
    }
    case 'check':
      return request.ids.map((id) => {
        const kept = followers.get(id);
        if (kept === undefined) throw new Error(`no follower ${id}`);
        return kept.isCanceled ? describeReason(kept.reason) : null;
      });
    case 'forget':
      for (const kept of followers.values()) kept.complete();
      followers.clear();
      return null;
    case 'stats':
      return {
        following: SharedCancelFollower.followingCount - 1,
        liveReferences: LeakTracker.liveReferences(0).length - 1,
        pending: server.pendingCount - 1,
      };
  }
}

const server = CrossThreadServer.serve(parentPort as NonNullable<typeof parentPort>, (request, follower) =>
  handle(request as TestRequest, follower),
);
