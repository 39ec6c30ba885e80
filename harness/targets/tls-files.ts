// A scenario's TLS certificates as files in the balancer's working directory, where every target's
// config points: tls/<i>.crt (the leaf), tls/<i>.key, tls/<i>.pem (both in one file, as HAProxy's
// `crt` takes them) and tls/ca.crt. Pure.
import type { Scenario } from '../types.ts';

export interface TlsFileNames {
  cert: string;
  key: string;
  pem: string;
}

/** The paths of certificate i, relative to the working directory. */
export function tlsFileNames(i: number): TlsFileNames {
  return { cert: `tls/${i}.crt`, key: `tls/${i}.key`, pem: `tls/${i}.pem` };
}

/** The same paths under a working directory (templates see `{{dir}}/tls/…`). */
export function tlsPaths(i: number, dir: string): TlsFileNames {
  const f = tlsFileNames(i);
  return { cert: `${dir}/${f.cert}`, key: `${dir}/${f.key}`, pem: `${dir}/${f.pem}` };
}

export function tlsFiles(s: Scenario): { path: string; content: string }[] {
  if (!s.tls) return [];
  const files = [{ path: 'tls/ca.crt', content: s.tls.ca }];
  s.tls.certificates.forEach((c, i) => {
    const f = tlsFileNames(i);
    const cert = c.cert.endsWith('\n') ? c.cert : `${c.cert}\n`;
    files.push({ path: f.cert, content: cert }, { path: f.key, content: c.key }, { path: f.pem, content: `${cert}${c.key}` });
  });
  return files;
}
