// The LVS checks (packet forwarding: NAT, DR, TUN), grouped by mode so a run reads mode by mode.
import type { Check } from '../../harness/index.ts';
import { arpCheck } from './arp.ts';
import { lvsFailoverChecks } from './failover.ts';
import { largeTransferChecks } from './large-transfer.ts';
import { LVS_MODES } from './plan.ts';
import { returnPathChecks } from './return-path.ts';
import { sourceChecks } from './source.ts';
import { stickinessChecks } from './stickiness.ts';
import { udpChecks } from './udp.ts';

const all: readonly Check[] = [...returnPathChecks, ...sourceChecks, ...largeTransferChecks, arpCheck, ...stickinessChecks, ...lvsFailoverChecks, ...udpChecks];

export const lvsChecks: readonly Check[] = LVS_MODES.flatMap((mode) => all.filter((c) => c.id.startsWith(`lvs.${mode}.`)));
export { arpCheck, largeTransferChecks, lvsFailoverChecks, returnPathChecks, sourceChecks, stickinessChecks, udpChecks };
