import { expect } from 'chai';

/**
 * Asserts that `action` throws `type` (TypeError or RangeError) whose message names the argument and the value
 * received, as the house style asks ("Expected `concurrency` to be ..., got `0` (number)"), without pinning the rest of the
 * wording (messages may change; the name and the value must stay).
 *
 * @param name - the argument, e.g. `concurrency`.
 * @param received - how the value is described, e.g. "`0` (number)", "`undefined`", "an object".
 */
export function expectArgumentError(
  action: () => unknown,
  type: typeof TypeError | typeof RangeError,
  name: string,
  received: string,
): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a ${type.name} naming \`${name}\``).to.be.instanceOf(type);
  const message = (thrown as Error).message;
  expect(message).to.contain(`\`${name}\``);
  expect(message).to.contain(`got ${received}`);
}
