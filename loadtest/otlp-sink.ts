import { createServer, type Server } from 'node:http';

/**
 * A loopback OTLP/HTTP receiver for `--tracing on`: accepts `POST /v1/traces` (JSON) as an
 * OpenTelemetry Collector would and counts the spans, so the gateway exports for real and the
 * bench shows what tracing costs.
 */
export class OtlpSink {
  readonly #server: Server;
  spans = 0;
  requests = 0;
  bytes = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<OtlpSink> {
    let sink: OtlpSink | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        if (sink && request.method === 'POST' && request.url === '/v1/traces') {
          sink.requests += 1;
          sink.bytes += body.length;
          const parsed = JSON.parse(body.toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
          for (const rs of parsed.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) sink.spans += ss.spans?.length ?? 0;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new OtlpSink(server);
    return sink;
  }

  get url(): string {
    const { port } = this.#server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
