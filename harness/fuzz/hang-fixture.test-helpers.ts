// A target that never returns on inputs starting with "PROXY T" (the watchdog's test loads it in a worker).
import { ascii, type FuzzTarget } from './target.ts';

export const target: FuzzTarget = {
  name: 'hang-fixture',
  title: 'loops forever on one input',
  maxLength: 64,
  dictionary: [ascii('PROXY T')],
  fixups: [],
  check(input) {
    if (Buffer.from(input).toString('latin1').startsWith('PROXY T')) for (;;);
  },
};
