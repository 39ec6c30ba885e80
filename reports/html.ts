// Escaping for text placed into HTML and XML. Every report draws untrusted strings (check reasons,
// target names, evidence) into markup, so all of them go through here.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** XML 1.0 forbids most control characters even when escaped; drop them, then escape. */
export function escapeXml(text: unknown): string {
  // eslint-disable-next-line no-control-regex
  return escapeHtml(String(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
}

/** JSON for embedding inside <script>: no "</script>" or "<!--" can close or confuse the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
