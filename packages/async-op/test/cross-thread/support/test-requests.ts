/** What test-worker.ts serves. `started`: a shared flag the worker sets (and notifies) once the call runs. */
export type TestRequest =
  | { readonly kind: 'spin'; readonly maxMs: number; readonly started?: Int32Array }
  | { readonly kind: 'idle'; readonly maxMs: number; readonly started?: Int32Array }
  | { readonly kind: 'sleep'; readonly ms: number; readonly value: unknown; readonly started?: Int32Array }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'throw'; readonly message: string; readonly code: string; readonly kind2?: string }
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'crash'; readonly message: string }
  | { readonly kind: 'uncloneable' }
  | { readonly kind: 'follow'; readonly id: number; readonly descriptor: unknown; readonly watch: boolean }
  | { readonly kind: 'check'; readonly ids: readonly number[] }
  | { readonly kind: 'forget' }
  | { readonly kind: 'stats' };

/** What a `check` reports per follower: null while not canceled, else the reason's message and kind. */
export type CheckedReason = { readonly message: string; readonly kind: string | undefined } | null;

/** What `stats` reports, not counting the `stats` call itself. */
export interface WorkerStats {
  readonly following: number;
  readonly liveReferences: number;
  readonly pending: number;
}
