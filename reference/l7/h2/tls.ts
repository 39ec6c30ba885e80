// TLS termination's certificates: PEM files read once at start, one secure context each, and the
// SNI lookup that picks one (exact name first, then a one-label wildcard, else the first).
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';

export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
  readonly names?: readonly string[] | undefined;
}

/** A certificate or key file that cannot be read or used; `field` names the config field. */
export class TlsConfigError extends Error {
  readonly code = 'FULCRUM_ERR_TLS_CONFIG';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'TlsConfigError';
  }
}

export interface SniTable {
  /** The context for a client's SNI name (undefined name: no SNI sent). */
  lookup(servername: string | undefined): SecureContext;
}

/** The DNS names of a PEM certificate (subjectAltName, else its common name). */
function certificateNames(pem: string): string[] {
  const x = new X509Certificate(pem);
  const san = x.subjectAltName?.split(', ').filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4)) ?? [];
  if (san.length > 0) return san;
  const cn = /CN=([^\n,]+)/.exec(x.subject)?.[1];
  return cn ? [cn] : [];
}

/** Pure: the index of the certificate for a name among each certificate's name list. */
export function pickCertificate(names: readonly (readonly string[])[], servername: string | undefined): number {
  if (servername === undefined) return 0;
  const host = servername.toLowerCase();
  const exact = names.findIndex((list) => list.some((n) => n.toLowerCase() === host));
  if (exact >= 0) return exact;
  const dot = host.indexOf('.');
  const parent = dot < 0 ? undefined : host.slice(dot + 1);
  const wild = parent === undefined ? -1 : names.findIndex((list) => list.some((n) => n.toLowerCase() === `*.${parent}`));
  return wild >= 0 ? wild : 0;
}

export function loadSniTable(files: readonly CertificateFiles[], fieldPrefix: string, versions: { min: 'TLSv1.2' | 'TLSv1.3'; max: 'TLSv1.2' | 'TLSv1.3' }): SniTable {
  const contexts: SecureContext[] = [];
  const names: string[][] = [];
  files.forEach((f, i) => {
    const field = `${fieldPrefix}.certificates[${i}]`;
    const read = (which: 'cert' | 'key') => {
      try {
        return readFileSync(f[which], 'utf8');
      } catch (err) {
        throw new TlsConfigError(`${field}.${which}`, `cannot read ${f[which]} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    };
    const cert = read('cert');
    const key = read('key');
    try {
      contexts.push(createSecureContext({ cert, key, minVersion: versions.min, maxVersion: versions.max }));
      names.push(f.names ? [...f.names] : certificateNames(cert));
    } catch (err) {
      throw new TlsConfigError(field, `not a usable PEM certificate and key (${(err as Error).message})`);
    }
  });
  return { lookup: (servername) => contexts[pickCertificate(names, servername)] as SecureContext };
}
