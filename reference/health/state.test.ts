import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeTransition, HealthState } from './state.ts';

const run = (h: HealthState, results: string) => [...results].map((c) => h.record(c === '+') ?? '.').join(',');

describe('HealthState', () => {
  it('starts up and goes down after exactly `fall` consecutive failures', () => {
    const h = new HealthState({ rise: 2, fall: 3 });
    expect(h.up).toBe(true);
    expect(run(h, '--+---')).toBe('.,.,.,.,.,down');
    expect(h.up).toBe(false);
  });

  it('comes back up after exactly `rise` consecutive successes; a failure restarts the count', () => {
    const h = new HealthState({ rise: 2, fall: 1 });
    expect(run(h, '-')).toBe('down');
    expect(run(h, '+-++')).toBe('.,.,.,up');
    expect(h.up).toBe(true);
    expect(run(h, '+++')).toBe('.,.,.');
  });

  it('with rise=fall=1 follows every result', () => {
    const h = new HealthState({ rise: 1, fall: 1 });
    expect(run(h, '-+-+')).toBe('down,up,down,up');
  });

  it('never reports a transition to the state it is already in, and transitions alternate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.boolean(), { maxLength: 60 }), (rise, fall, results) => {
        const h = new HealthState({ rise, fall });
        let up = true;
        let runOk = 0;
        let runFail = 0;
        for (const ok of results) {
          runOk = ok ? runOk + 1 : 0;
          runFail = ok ? 0 : runFail + 1;
          const t = h.record(ok);
          if (t === 'down') {
            expect(up).toBe(true);
            expect(runFail).toBe(fall);
            up = false;
          } else if (t === 'up') {
            expect(up).toBe(false);
            expect(runOk).toBe(rise);
            up = true;
          }
          expect(h.up).toBe(up);
        }
      }),
    );
  });

  it('describes transitions in one line', () => {
    expect(describeTransition('web', 'b2', 'down', 3, 'connect ECONNREFUSED')).toBe(
      'health: listener web backend b2 DOWN after 3 failures (connect ECONNREFUSED)',
    );
    expect(describeTransition('web', 'b2', 'up', 1, 'http 200')).toBe('health: listener web backend b2 UP after 1 success (http 200)');
  });
});
