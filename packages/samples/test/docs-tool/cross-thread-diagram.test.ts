import { expect } from 'chai';
import { describe, it } from 'mocha';
import { crossThreadCancel } from '../../src/docs-tool/cross-thread-diagram.js';

describe('the cross-thread diagrams', () => {
  it('should draw the busy cancel seen by the check, the idle one by the doorbell, each before the report', async () => {
    for (const [phase, seenBy] of [
      ['busy', 'check in the busy loop'],
      ['idle', 'doorbell (no check ran)'],
    ] as const) {
      const diagram = await crossThreadCancel(phase);
      const seen = diagram.indexOf(`cancel seen by the ${seenBy}`);
      expect(seen, phase).to.be.greaterThan(diagram.indexOf('U->>P: cancel()'));
      expect(diagram.indexOf('W-->>P: report: canceled')).to.be.greaterThan(seen);
      expect(diagram.indexOf('P-->>U: callback: canceled')).to.be.greaterThan(diagram.indexOf('report: canceled'));
    }
  });
});
