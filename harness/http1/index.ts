// The http1 room's door: a strict RFC 9112 parser of the harness's own (pure, no I/O).
export { Http1Error, fieldValues, fieldList, type Field } from './head.ts';
export type { Framing } from './body.ts';
export { parseRequests, parseResponses, field, type Message, type Request, type Response, type Parsed } from './messages.ts';
