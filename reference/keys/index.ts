// Key extraction and hashing for hashing schedulers (schedulers themselves take only a number).
import type { KeyConfig } from '../config/schema.ts';
import { keyExtractor, type KeyExtractor } from './extract.ts';
import { ipHashKey } from './ip-hash.ts';

export { addressBytes } from './address.ts';
export { fmix32, fnv1a, fnv1aBytes, md5Words, murmur3, murmur3Bytes, type HashName } from './hash.ts';
export { ipHashKey } from './ip-hash.ts';
export {
  keyExtractor,
  KeyConfigError,
  pathOf,
  headerValue,
  cookieValue,
  queryValue,
  type FlowInfo,
  type RequestInfo,
  type KeyInput,
  type KeyExtractor,
} from './extract.ts';

/** The key a scheduler hashes when the config names none: IPVS sh → source, dh/lblc/lblcr →
 *  destination, other hashing schedulers → source address. */
export function defaultKeyConfig(scheduler: string): KeyConfig {
  return ['dh', 'lblc', 'lblcr'].includes(scheduler) ? { from: 'destination-ip' } : { from: 'source-ip' };
}

/** The extractor for a listener: iphash always uses nginx's /24 key; otherwise the configured key
 *  or the scheduler's default. */
export function keyExtractorFor(scheduler: string, config: KeyConfig | undefined): KeyExtractor {
  if (scheduler === 'iphash') return ({ flow }) => (flow ? ipHashKey(flow.sourceIp) : undefined);
  return keyExtractor(config ?? defaultKeyConfig(scheduler));
}
