import type { AsyncOpState } from './async-op-options.js';
import { cancelKindOf, type CancelKind } from './canceled-error.js';
import { describeValue } from './describe-value.js';
import { opIdOf } from './internal/channels.js';
import { clockOf } from './internal/deadline.js';
import {
  isCanceled,
  labelOf,
  parentOf,
  reasonOf,
  referenceCount,
  stateOf,
  type OpRecord,
} from './internal/op-record.js';
import { creationEntryOf, trackedEntries, type LiveReference, type TrackedEntry } from './leak-tracker.js';

/** One live operation in the tree {@link liveOpTree} returns. */
export interface LiveOp {
  /** The op's id, the same as in its tracing events. */
  readonly id: number;
  readonly label: string | undefined;
  readonly state: AsyncOpState;
  readonly isCanceled: boolean;
  /** How it was canceled, once canceled. */
  readonly cancelKind: CancelKind | undefined;
  /** Whether the op is shielded from its parent's cancel. */
  readonly isShielded: boolean;
  /** Milliseconds since it was created. */
  readonly ageMs: number;
  /** Milliseconds until its own deadline passes (negative: passed), on its clock; undefined for none. */
  readonly deadlineInMs: number | undefined;
  /** Where AsyncOp.create() was called (a stack trace), or `(unknown)` when its first reference is not tracked. */
  readonly createdAt: string;
  /** Live references, with who holds them (what ref() was given) and where each was taken. */
  readonly references: readonly LiveReference[];
  /** Live references counted by the op itself (may exceed `references` for references taken before tracking). */
  readonly referenceCount: number;
  readonly context: unknown;
  /** The ops that follow this one (or were shielded from it), oldest first. */
  readonly children: readonly LiveOp[];
}

const STATES: readonly AsyncOpState[] = ['running', 'canceling', 'completed'];

function toLiveReference(entry: TrackedEntry): LiveReference {
  const context = entry.context instanceof WeakRef ? (entry.context.deref() as unknown) : entry.context;
  return { id: entry.id, context, createdAt: entry.createdAt, holder: entry.holder };
}

/**
 * Lists the live operations as a tree: each op under the op it follows, with its state, age, label, deadline, the
 * live references and who holds them, and where it was created. The answer to "which operation is stuck, and who
 * holds it".
 *
 * @returns the roots (ops that follow no live op), oldest first; an empty list while tracking is off.
 * @remarks
 * Built on {@link LeakTracker}: turn it on first (`LeakTracker.enable()`); ops created before that are not listed.
 * With tracking off this costs nothing anywhere. Synchronous; a snapshot (later changes do not show).
 */
export function liveOpTree(): LiveOp[] {
  const entries = trackedEntries();
  if (entries === null) return [];
  const now = performance.now();
  const byRecord = new Map<OpRecord, TrackedEntry[]>();
  for (const entry of entries) {
    const record = entry.record.deref();
    if (record === undefined || entry.reference.deref() === undefined) continue;
    let list = byRecord.get(record);
    if (list === undefined) byRecord.set(record, (list = []));
    list.push(entry);
  }
  const nodes = new Map<OpRecord, LiveOp & { children: LiveOp[] }>();
  for (const [record, list] of byRecord) {
    const first = creationEntryOf(record);
    const clock = clockOf(record);
    const deadline = record.extras?.more?.deadline ?? Infinity;
    nodes.set(record, {
      id: opIdOf(record),
      label: labelOf(record),
      state: STATES[stateOf(record)] ?? 'running',
      isCanceled: isCanceled(record),
      cancelKind: isCanceled(record) ? cancelKindOf(reasonOf(record)) : undefined,
      isShielded: record.extras?.more?.isShielded === true,
      ageMs: now - (first?.createdAtMs ?? Math.min(...list.map((entry) => entry.createdAtMs))),
      deadlineInMs: deadline === Infinity || clock === undefined ? undefined : deadline - clock.now(),
      createdAt: first?.createdAt ?? '(unknown)',
      references: list.map(toLiveReference),
      referenceCount: referenceCount(record),
      context: list[0] === undefined ? undefined : toLiveReference(list[0]).context,
      children: [],
    });
  }
  const roots: LiveOp[] = [];
  for (const [record, node] of nodes) {
    const parent = parentOf(record);
    const parentNode = parent === null ? undefined : nodes.get(parent);
    if (parentNode === undefined) roots.push(node);
    else parentNode.children.push(node);
  }
  return roots;
}

function isLiveOp(value: unknown): value is LiveOp {
  if (typeof value !== 'object' || value === null) return false;
  const node = value as Partial<Record<keyof LiveOp, unknown>>;
  return (
    typeof node.id === 'number' &&
    typeof node.ageMs === 'number' &&
    typeof node.referenceCount === 'number' &&
    typeof node.createdAt === 'string' &&
    Array.isArray(node.references) &&
    Array.isArray(node.children)
  );
}

/** Options of {@link formatOpTree}. */
export interface FormatOpTreeOptions {
  /** Stack frames shown per creation site and per reference; default 2 (0: none). */
  readonly stackFrames?: number | undefined;
}

function frames(stack: string, count: number): string[] {
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, count);
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/**
 * Renders the tree of {@link liveOpTree} as indented text, one op per line followed by its references, for a CLI
 * or a log. Example line: `#3 "save a.txt" canceling (deadline) age 1.2 s, deadline in -200 ms, 2 refs`.
 *
 * @param roots - what liveOpTree() returned.
 * @param options - `stackFrames`: frames shown per site (default 2).
 * @returns the text; "no live operations" for an empty tree.
 * @throws TypeError for roots that are not an array, or a `stackFrames` that is not an integer >= 0.
 */
export function formatOpTree(roots: readonly LiveOp[], options: FormatOpTreeOptions = {}): string {
  if (!Array.isArray(roots)) {
    throw new TypeError(`Expected \`roots\` to be the array liveOpTree() returned, got ${describeValue(roots)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const count = options.stackFrames ?? 2;
  if (!Number.isInteger(count) || count < 0) {
    throw new TypeError(`Expected \`options.stackFrames\` to be an integer >= 0, got ${describeValue(count)}`);
  }
  if (roots.length === 0) return 'no live operations';
  const lines: string[] = [];
  const visit = (node: LiveOp, indent: string): void => {
    if (!isLiveOp(node))
      throw new TypeError(`Expected \`roots\` to hold what liveOpTree() returned, got ${describeValue(node)}`);
    const label = node.label === undefined ? '' : ` ${JSON.stringify(node.label)}`;
    const kind = node.cancelKind === undefined ? '' : ` (${node.cancelKind})`;
    const facts = [`age ${formatMs(node.ageMs)}`];
    if (node.deadlineInMs !== undefined) facts.push(`deadline in ${formatMs(node.deadlineInMs)}`);
    if (node.isShielded) facts.push('shielded');
    facts.push(`${node.referenceCount} ref${node.referenceCount === 1 ? '' : 's'}`);
    lines.push(`${indent}#${node.id}${label} ${node.state}${kind} ${facts.join(', ')}`);
    for (const frame of frames(node.createdAt, count)) lines.push(`${indent}    created ${frame}`);
    for (const reference of node.references) {
      const holder = reference.holder === undefined ? '' : ` held by ${JSON.stringify(reference.holder)}`;
      const site = frames(reference.createdAt, Math.min(count, 1))[0];
      lines.push(`${indent}  - ref #${reference.id}${holder}${site === undefined ? '' : `, taken ${site}`}`);
    }
    for (const child of node.children) visit(child, `${indent}  `);
  };
  for (const root of roots) visit(root, '');
  return lines.join('\n');
}
