// chart.js's UMD build, read from the installed package so the report needs no network.
// Its package exports hide dist/chart.umd.min.js, so resolve the main entry and look beside it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

export function chartJsSource(): string {
  if (cached === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    // A literal "</script" inside would end the inline <script> element early.
    cached = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return cached;
}
