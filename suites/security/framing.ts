// Message framing checks (RFC 9112 §2–§7, RFC 9110 §5.5, §7.6.1, §8.6): each sends its cases as
// raw bytes and judges from what the backend's capture parsed (judge.ts).
import { chunkCases, clTeCases, connectionCases, contentLengthCases, controlByteCases, flowCases, lineCases, targetCases, teObfuscationCases } from './framing-cases.ts';
import { requestCheck } from './case-check.ts';

const JUDGED =
  'Judged from the backend\'s raw bytes, parsed strictly: a case fails when the backend gets bytes that are not valid HTTP/1.1, a request the client did not send as one, a body framed differently, more requests than the client was answered for, or the client gets another request\'s response. Where the RFC lets a balancer reject or normalise, both pass and the evidence says which happened.';

export const framingChecks = [
  requestCheck('security.framing.cl-te', 'Content-Length with Transfer-Encoding (both orders, TE on HTTP/1.0) is rejected or forwarded chunked without the Content-Length', clTeCases, JUDGED),
  requestCheck('security.framing.content-length', 'Duplicate, list-valued and malformed Content-Length: differing values are rejected, equal ones rejected or merged', contentLengthCases, JUDGED),
  requestCheck('security.framing.transfer-encoding', 'Transfer-Encoding obfuscations (case, whitespace, xchunked, a coding after chunked, chunked twice) never reach the backend ambiguous', teObfuscationCases, JUDGED),
  requestCheck('security.framing.line-endings', 'Bare LF, bare CR and obs-fold are rejected or normalised to CRLF / SP', lineCases, JUDGED),
  requestCheck('security.framing.control-bytes', 'NUL and control bytes in names, values and the target; whitespace before the colon', controlByteCases, JUDGED),
  requestCheck('security.framing.chunks', 'Invalid chunk sizes and extensions are rejected; valid extensions and trailers keep the body intact', chunkCases, JUDGED),
  requestCheck('security.framing.connection-nominated', 'Connection naming Content-Length, Transfer-Encoding or Host never drops the framing or the Host', connectionCases, JUDGED),
  requestCheck('security.framing.request-target', 'Absolute-form targets reach the backend with Host from the authority; a missing or second Host is rejected', targetCases, JUDGED),
  requestCheck('security.framing.flow', 'Expect: 100-continue, pipelining and a declined Upgrade keep requests and responses paired', flowCases, JUDGED),
];
