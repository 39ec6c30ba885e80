// The agent's control port: records, reset, release of held requests, capture mode and captures.
import { createServer, type Server } from 'node:http';
import type { AgentState } from './state.ts';

export function createControl(state: AgentState): Server {
  return createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    const url = new URL(req.url ?? '/', 'http://control');
    req.resume();
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /records') {
      res.end(JSON.stringify(state.snapshot()));
    } else if (route === 'POST /reset') {
      state.reset();
      res.end('{"ok":true}');
    } else if (route === 'POST /release') {
      const token = url.searchParams.get('token');
      const chosen = [...state.holds].filter(([, t]) => token === null || t === token);
      for (const [release] of chosen) release();
      res.end(JSON.stringify({ released: chosen.length }));
    } else if (route === 'POST /capture') {
      state.captures.on = url.searchParams.get('on') !== '0';
      res.end(JSON.stringify({ on: state.captures.on }));
    } else if (route === 'GET /captures') {
      res.end(JSON.stringify(state.captures.snapshot()));
    } else if (url.pathname === '/healthz') {
      res.end('{"ok":true}');
    } else {
      res.statusCode = 404;
      res.end('{"error":"unknown control path"}');
    }
  });
}
