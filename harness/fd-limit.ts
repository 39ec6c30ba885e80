// A scenario's fdLimit applied to a target's launch: its command runs under util-linux's
// `prlimit --nofile=N:N`, which sets the open-file limit (soft and hard) and then execs the command,
// so the balancer (and every process it forks) starts with N file descriptors at most. Pure.
import type { TargetLaunch } from './types.ts';

/** The launch with its command under prlimit, or as it was when fdLimit is unset. */
export function withFdLimit(launch: TargetLaunch, fdLimit: number | undefined): TargetLaunch {
  if (fdLimit === undefined) return launch;
  if (!Number.isSafeInteger(fdLimit) || fdLimit < 16) throw new RangeError(`scenario fdLimit must be a whole number of file descriptors ≥ 16, got ${fdLimit}`);
  return { ...launch, command: ['prlimit', `--nofile=${fdLimit}:${fdLimit}`, '--', ...launch.command] };
}
