// Runs the deliberately broken serial proxy: serial-l7-main.ts <listen host:port> <backend host:port>
import { startSerialProxy } from './serial-l7-proxy.ts';

const split = (s: string | undefined) => {
  const i = (s ?? '').lastIndexOf(':');
  return { host: (s ?? '').slice(0, i), port: Number((s ?? '').slice(i + 1)) };
};
startSerialProxy(split(process.argv[2]), split(process.argv[3]));
