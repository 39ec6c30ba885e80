// The security suite: framing, limits, response-side, slow-client and exhaustion checks, judged from the backend's raw bytes
// (agent capture mode) parsed by the harness's strict RFC 9112 parser, and from what the client got.
import type { Check } from '../../harness/index.ts';
import { framingChecks } from './framing.ts';
import { limitChecks } from './limits.ts';
import { responseChecks } from './response.ts';
import { slowChecks } from './slow.ts';
import { exhaustionChecks } from './exhaustion.ts';

export const securityChecks: readonly Check[] = [...framingChecks, ...limitChecks, ...responseChecks, ...slowChecks, ...exhaustionChecks];
