import { CancelRegistration } from '../cancel-registration.js';
import type { OpRecord } from './op-record.js';

/**
 * The registration by which a child op follows a parent op: it sits in the parent's list (the parent's cancel cancels
 * the child) and is the child's upstream (the child's end unlinks it). It also names the parent, for the child's
 * deadline, diagnostics and tracing.
 */
export class ChildLink extends CancelRegistration {
  constructor(
    child: OpRecord,
    readonly parent: OpRecord,
  ) {
    super(child);
  }
}
