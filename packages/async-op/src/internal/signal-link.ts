import { cancelOp, type OpRecord, type Upstream } from './op-record.js';

/**
 * Makes an op follow an external AbortSignal without a closure: the link object is the event listener.
 * It removes itself from the signal when the op completes, is canceled, or is finally released.
 */
export class SignalLink implements Upstream {
  constructor(
    private readonly signal: AbortSignal,
    private readonly record: OpRecord,
  ) {
    signal.addEventListener('abort', this);
  }

  handleEvent(): void {
    // cancel() detaches the upstream (this link) before it runs anything.
    cancelOp(this.record, this.signal.reason);
  }

  detach(): void {
    this.signal.removeEventListener('abort', this);
  }
}
