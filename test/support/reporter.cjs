// Mocha's spec reporter plus a closing "N passed, N failed" line, the summary CI reads.
'use strict';
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 };
      const line = `${s.passes} passed, ${s.failures} failed` + (s.pending ? `, ${s.pending} skipped` : '');
      // after Spec's own epilogue
      process.nextTick(() => process.stdout.write(line + '\n'));
    });
  }
}
module.exports = SpecWithSummary;
