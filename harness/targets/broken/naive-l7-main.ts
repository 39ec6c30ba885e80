// Runs the deliberately broken naive proxy: naive-l7-main.ts <listen host:port> <backend host:port> [response timeout ms]
import { startNaiveProxy } from './naive-l7-proxy.ts';

const split = (s: string | undefined) => {
  const i = (s ?? '').lastIndexOf(':');
  return { host: (s ?? '').slice(0, i), port: Number((s ?? '').slice(i + 1)) };
};
startNaiveProxy(split(process.argv[2]), split(process.argv[3]), process.argv[4] ? Number(process.argv[4]) : undefined);
