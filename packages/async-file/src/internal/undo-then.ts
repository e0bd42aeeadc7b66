import type { FileEngine } from '../file-engine.js';
import type { FileAction } from './file-action.js';

/**
 * Undoes a success the action may not keep (the step's undo: close an opened file, remove a created link), then calls
 * `then` once, saying whether it was undone (after `onUndone`, for the trace).
 *
 * @remarks An undo the engine refuses by throwing cannot be retried: `then` runs at once (the effect stays; a
 * descriptor the engine would not close stays open), so the action still ends and its handle is not wedged. A step
 * without an undo keeps its effect.
 */
export function undoThen(
  action: FileAction,
  result: unknown,
  engine: FileEngine,
  onUndone: (action: FileAction) => void,
  then: (action: FileAction, isUndone: boolean) => void,
): void {
  const undo = action.step.undo;
  if (undo === undefined) return then(action, false);
  let isDone = false;
  try {
    undo(action, result, engine, () => {
      if (isDone) return;
      isDone = true;
      onUndone(action);
      then(action, true);
    });
  } catch (thrown) {
    // reported already: the throw comes from what ran after it (a callback), and goes on up
    if (isDone) throw thrown;
    isDone = true;
    then(action, false);
  }
}
