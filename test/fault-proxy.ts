import http from 'node:http';

/**
 * A loopback HTTP proxy in front of one service, so a test can make it unavailable for some
 * paths (connections dropped, as when the service is down) and bring it back.
 */
export async function startFaultProxy(target: string) {
  let blocked: RegExp | null = null;
  let slowed: { paths: RegExp; ms: number } | null = null;
  let dropped = 0;
  const server = http.createServer(async (req, res) => {
    if (blocked && blocked.test(req.url ?? '')) {
      dropped += 1;
      req.socket.destroy();
      return;
    }
    if (slowed && slowed.paths.test(req.url ?? '')) await new Promise((r) => setTimeout(r, slowed!.ms));
    const chunks: Buffer[] = [];
    try {
      // A client killed mid-request (the SIGKILL test) aborts the body stream: drop it quietly.
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'] ?? 'application/json',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      req.socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    block(paths: RegExp): void {
      blocked = paths;
    },
    unblock(): void {
      blocked = null;
    },
    /** Delays matching requests, so a test can act while a long step is under way. */
    slow(paths: RegExp | null, ms = 0): void {
      slowed = paths ? { paths, ms } : null;
    },
    get dropped(): number {
      return dropped;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
