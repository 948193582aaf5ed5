/** A local HTTP receiver for webhook tests: records each request and answers what `respond` says. */
import http from 'node:http';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status to answer the next request with (default 200); may wait first. */
  respond: (r: Received) => number | Promise<number>;
  close(): Promise<void>;
}

export async function startReceiver(port: number): Promise<Receiver> {
  const state: Receiver = { url: `http://127.0.0.1:${port}/hook`, received: [], respond: () => 200, close: async () => undefined };
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      state.received.push(r);
      const status = await state.respond(r);
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  state.close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return state;
}
