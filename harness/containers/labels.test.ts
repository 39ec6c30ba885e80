import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LABEL_OWNER, LABEL_RUN, newRunId, ownerIsDead, runLabels } from './labels.ts';

describe('labels', () => {
  it('carry run, creation time and owner', () => {
    const labels = runLabels('r1', 'two-armed', new Date('2026-01-02T03:04:05Z'));
    expect(labels).toMatchObject({ [LABEL_RUN]: 'r1', 'fulcrum.created': '2026-01-02T03:04:05.000Z', 'fulcrum.topology': 'two-armed' });
    expect(labels[LABEL_OWNER]).toBe(`${hostname()}:${process.pid}`);
    expect(newRunId()).not.toBe(newRunId());
  });

  it('judge an owner dead only when it is this machine and its process is gone', () => {
    expect(ownerIsDead(`${hostname()}:${process.pid}`)).toBe(false);
    expect(ownerIsDead(`${hostname()}:123`, () => false)).toBe(true);
    expect(ownerIsDead(`${hostname()}:123`, () => true)).toBe(false);
    expect(ownerIsDead('some-other-machine:123', () => false)).toBe(false);
    expect(ownerIsDead(undefined)).toBe(true);
    expect(ownerIsDead('garbage')).toBe(true);
  });
});
