/**
 * The naming table of the samples: for each sample, its one spelling (`id`) and its class name.
 *
 * @remarks
 * The id is the sample's only spelling everywhere but in code that names its class: its file (`src/<id>.ts`), its
 * module's `name`, the demo's `async-op-demo samples <id>`, its page (`docs/samples/<id>.md`), the segments of a stack
 * label ({@link stackLabel}) and its test titles ({@link sampleLabel}). A test checks each of those against this
 * table, so a sample cannot be renamed in one place only.
 */
export const SAMPLES = [
  { id: 'll-real-cancel', className: 'RealCancelFileModule', layer: 'LL', title: 'LL real cancel' },
  { id: 'll-fake-cancel', className: 'FakeCancelFileModule', layer: 'LL', title: 'LL fake cancel' },
  { id: 'll-worker-pool', className: 'WorkerPoolModule', layer: 'LL', title: 'LL worker pool' },
  { id: 'ml-pass-through', className: 'PassThroughModule', layer: 'ML', title: 'ML pass-through' },
  { id: 'ml-chain', className: 'AtomicSaveModule', layer: 'ML', title: 'ML chain (atomic save)' },
  { id: 'ml-retries', className: 'RetryModule', layer: 'ML', title: 'ML retries' },
  { id: 'hl', className: 'HighLevelModule', layer: 'HL', title: 'HL' },
  { id: 'hl-cancel-all', className: 'CancelAllModule', layer: 'HL', title: 'HL cancel-all' },
] as const satisfies readonly SampleName[];

/** One row of {@link SAMPLES}. */
export interface SampleName {
  /** The one spelling: file, module `name`, demo command, docs page, stack label segment, test title. */
  readonly id: string;
  /** The exported class. */
  readonly className: string;
  /** The layer: low (file jobs, threads), mid (one or more lower operations per operation), high (handed to users). */
  readonly layer: 'LL' | 'ML' | 'HL';
  /** The title in prose (docs tables, the demo's explanations). */
  readonly title: string;
}

/** The id of a sample: `ll-real-cancel`, `ml-chain`, ... */
export type SampleId = (typeof SAMPLES)[number]['id'];

/**
 * The row of a sample.
 *
 * @param id - a sample's id.
 * @returns its row of {@link SAMPLES}.
 * @throws RangeError for an id that is not in the table, naming it and the known ones.
 */
export function sampleNamed(id: SampleId): SampleName {
  const row = SAMPLES.find((sample) => sample.id === id);
  if (row === undefined) {
    throw new RangeError(`Expected a sample id (${SAMPLES.map((sample) => sample.id).join(', ')}), got ${String(id)}`);
  }
  return row;
}

/**
 * The title of a sample's tests: its id, then its class, e.g. `ml-chain (AtomicSaveModule)`.
 *
 * @param id - a sample's id.
 * @throws RangeError for an unknown id.
 */
export function sampleLabel(id: SampleId): string {
  return `${id} (${sampleNamed(id).className})`;
}

/**
 * The label of a stack of samples, top-down, each by its id: `hl-cancel-all/ml-chain/ll-real-cancel`.
 *
 * @param ids - the modules of the stack, top first.
 * @throws RangeError for an unknown id or an empty stack.
 */
export function stackLabel(...ids: SampleId[]): string {
  if (ids.length === 0) throw new RangeError('Expected at least one sample id, got none');
  for (const id of ids) sampleNamed(id);
  return ids.join('/');
}
