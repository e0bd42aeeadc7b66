// The piscina worker of the `cross-thread` group's pool section: the same hash work as the worker-pool sample's.
import { hashRounds } from './hash-work.js';

export default function hash(task: { readonly data: Uint8Array; readonly rounds: number }): string {
  return hashRounds(task.data, task.rounds);
}
