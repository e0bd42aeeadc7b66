import { INERT_REGISTRATION, type CancelCallback, type CancelRegistration } from '../cancel-registration.js';
import { isCanceled, reasonOf, type OpRecord } from './op-record.js';

/** onCancel() on an op that is no longer running: run at once if it was canceled, never if it completed. */
export function lateRegistration(record: OpRecord, callback: CancelCallback): CancelRegistration {
  if (isCanceled(record)) callback(reasonOf(record));
  return INERT_REGISTRATION;
}
