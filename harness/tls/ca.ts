// A throwaway certificate authority for TLS checks and tests: one CA and leaf certificates for the
// names asked, made with node-forge (no hand-made ASN.1), written as PEM. Keys are RSA 2048 (the
// size every balancer accepts); a CA lives only as long as the run that made it.
import forge from 'node-forge';
import { mkdir, writeFile } from 'node:fs/promises';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { join } from 'node:path';

export interface Pem {
  readonly cert: string;
  readonly key: string;
}

export interface Leaf extends Pem {
  /** The DNS names (subjectAltName) the certificate is for; the first is its common name. */
  readonly names: readonly string[];
  /** SHA-256 fingerprint as node:tls shows it (AA:BB:…): what a client compares to know which
   *  certificate it was shown. */
  readonly fingerprint256: string;
}

export interface TestCa {
  readonly cert: string;
  /** A leaf for these names, signed by this CA. */
  issue(names: readonly string[], options?: { ipAddresses?: readonly string[] }): Leaf;
}

let serialCounter = 0;

function serial(): string {
  // Positive (leading nibble 1), unique within the process, random beyond.
  return `1${(++serialCounter).toString(16).padStart(4, '0')}${forge.util.bytesToHex(forge.random.getBytesSync(7))}`;
}

/** An RSA key pair made by node's native crypto (forge's pure-JS generation is ~10x slower). */
function rsaKeys(): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function validity(cert: forge.pki.Certificate): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 3_600_000);
  cert.validity.notAfter = new Date(now + 7 * 86_400_000);
}

/** A fresh CA (tens of ms; each leaf as much again). */
export function createTestCa(commonName = 'fulcrum throwaway test CA'): TestCa {
  const keys = rsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = keys.publicKey;
  ca.serialNumber = serial();
  validity(ca);
  const subject = [{ name: 'commonName', value: commonName }];
  ca.setSubject(subject);
  ca.setIssuer(subject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(keys.privateKey, forge.md.sha256.create());
  return {
    cert: forge.pki.certificateToPem(ca),
    issue(names, options = {}) {
      const leafKeys = rsaKeys();
      const leaf = forge.pki.createCertificate();
      leaf.publicKey = leafKeys.publicKey;
      leaf.serialNumber = serial();
      validity(leaf);
      leaf.setSubject([{ name: 'commonName', value: names[0] ?? 'localhost' }]);
      leaf.setIssuer(ca.subject.attributes);
      leaf.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [...names.map((value) => ({ type: 2, value })), ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip }))],
        },
      ]);
      leaf.sign(keys.privateKey, forge.md.sha256.create());
      const cert = forge.pki.certificateToPem(leaf);
      return { cert, key: forge.pki.privateKeyToPem(leafKeys.privateKey), names, fingerprint256: new X509Certificate(cert).fingerprint256 };
    },
  };
}

/** Writes a leaf as <dir>/<base>.crt and <dir>/<base>.key; returns their paths. */
export async function writePem(dir: string, base: string, pem: Pem): Promise<{ cert: string; key: string }> {
  await mkdir(dir, { recursive: true });
  const cert = join(dir, `${base}.crt`);
  const key = join(dir, `${base}.key`);
  await writeFile(cert, pem.cert);
  await writeFile(key, pem.key, { mode: 0o600 });
  return { cert, key };
}
