// The docker room's door: engine discovery and the images host containers run from.
export { connectEngine, probeEngine, engineAddress, EngineUnavailableError, DEFAULT_SOCKET } from './engine.ts';
export type { EngineAddress, EngineProbe } from './engine.ts';
export {
  resolveHostImage,
  ensureHostRootImage,
  hostRootBinds,
  engineIsLocal,
  ImageError,
  HOSTROOT_IMAGE,
  AGENTS_IMAGE,
  IMAGE_LABEL,
  PROJECT_DIR,
} from './images.ts';
export type { HostImage } from './images.ts';
