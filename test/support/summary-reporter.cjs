'use strict';
// The spec reporter, followed by one line "N passed, N failed" that CI reads. A test that passed and was then failed
// by the leak check counts as failed only; hook failures count as failed.
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const passed = new Set();
    let failed = 0;
    runner.on(EVENT_TEST_PASS, (test) => passed.add(test));
    runner.on(EVENT_TEST_FAIL, (test) => {
      passed.delete(test);
      failed++;
    });
    runner.once(EVENT_RUN_END, () => {
      process.stdout.write(`${passed.size} passed, ${failed} failed\n`);
    });
  }
}

module.exports = SummaryReporter;
