import { CrossThreadErrorCode } from './cross-thread/cross-thread-error-codes.js';
import { defineErrorCodes, type ErrorCodeTable } from './error-code-table.js';
import { ErrorCode } from './error-codes.js';

/**
 * Every permanent error code of async-op, with the class that carries it: the registry docs/reference/error-codes.md
 * is checked against.
 */
export const asyncOpErrorCodes: ErrorCodeTable = defineErrorCodes('async-op', [
  { code: ErrorCode.CANCELED, className: 'CanceledError', summary: 'an operation was canceled' },
  {
    code: ErrorCode.CANCELED,
    className: 'DeadlineExceededError',
    summary: 'a deadline canceled the operation (name TimeoutError)',
  },
  {
    code: ErrorCode.ASYNC_OP_RELEASED,
    className: 'AsyncOpReleasedError',
    summary: 'a released reference was used or released again',
  },
  {
    code: ErrorCode.CANCEL_CALLBACKS_FAILED,
    className: 'CancelCallbackError',
    summary: 'more than one function run by one cancel() threw',
  },
  {
    code: CrossThreadErrorCode.CANCEL_SLOTS_EXHAUSTED,
    className: 'CancelSlotsExhaustedError',
    summary: 'share() found every slot of the table in use',
  },
  {
    code: CrossThreadErrorCode.CANCEL_SLOT_RELEASED,
    className: 'CancelSlotReleasedError',
    summary: 'a released SharedCancel was used or released again',
  },
  {
    code: CrossThreadErrorCode.CROSS_THREAD_EXITED,
    className: 'CrossThreadExitError',
    summary: 'the thread running a call exited before reporting',
  },
  {
    code: CrossThreadErrorCode.CROSS_THREAD_PROTOCOL,
    className: 'Error',
    summary: 'the other thread answered a call with a malformed result',
  },
]);
