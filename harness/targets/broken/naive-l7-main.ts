// Runs the deliberately broken naive proxy: naive-l7-main.ts <listen host:port> <backend host:port>
import { startNaiveProxy } from './naive-l7-proxy.ts';

const split = (s: string | undefined) => {
  const i = (s ?? '').lastIndexOf(':');
  return { host: (s ?? '').slice(0, i), port: Number((s ?? '').slice(i + 1)) };
};
startNaiveProxy(split(process.argv[2]), split(process.argv[3]));
