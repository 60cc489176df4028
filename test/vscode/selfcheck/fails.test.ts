import * as assert from 'node:assert/strict';

// A suite with one passing and one failing test, for checking that the runner reports failure.
describe('runner self-check', () => {
  it('passes', () => assert.ok(true));
  it('fails on purpose', () => assert.equal(1 + 1, 3));
});
