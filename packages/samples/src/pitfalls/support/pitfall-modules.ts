import type { StackRaceConfig } from '../../race/stack-race-property.js';
import type { StackModule } from '../../stacks/build-stack.js';
import type { CancellableModule, FileJobRequest, FileJobValue } from '../../index.js';

/** The modules a pitfall puts into its stacks instead of the samples: some layers, or the LL. */
export type PitfallModules = Pick<StackRaceConfig, 'layers' | 'lowLevel'>;

type FileModule = CancellableModule<FileJobRequest, FileJobValue>;
type ForwardLayerName = 'ml-pass-through' | 'hl' | 'hl-cancel-all';

/**
 * A forwarding layer (ML pass-through, HL, HL cancel-all) made by `make`.
 *
 * @param name - the layer it replaces, also the module's name.
 * @param tracks - whether it tracks its operations (cancel-all).
 * @returns a function of `make`: the copy's (or a variant's) constructor, given (lower, name, tracks).
 */
export function forwardLayer(
  name: ForwardLayerName,
  tracks: boolean,
): (
  make: (lower: CancellableModule<unknown, FileJobValue>, name: string, tracks: boolean) => object,
) => PitfallModules {
  return (make) => ({ layers: { [name]: (lower: StackModule) => make(lower as never, name, tracks) as StackModule } });
}

/** The chain layer made by `make` (the copy, or a variant). */
export function chainLayer(make: (lower: FileModule) => object): PitfallModules {
  return { layers: { 'ml-chain': (lower) => make(lower as never) as StackModule } };
}

/** The retry layer made by `make` (the copy, or a variant). */
export function retryLayer(make: (lower: FileModule) => object): PitfallModules {
  return { layers: { 'ml-retries': (lower) => make(lower as never) as StackModule } };
}
