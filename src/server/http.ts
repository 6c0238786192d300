/**
 * The request and response types the server hands to handlers: HTTP/2
 * (compat API) and HTTP/1.1 requests arrive on the same TLS port (ALPN).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

export type HttpRequest = IncomingMessage | Http2ServerRequest;
export type HttpResponse = ServerResponse | Http2ServerResponse;

/** A plain HTTP handler. */
export type HttpHandler = (req: HttpRequest, res: HttpResponse) => void | Promise<void>;

/** The writing half both response kinds share (their union type is not callable in TypeScript). */
export interface ResponseStream {
  write(chunk: string | Buffer): boolean;
  end(chunk?: string | Buffer): void;
}

/** Views a response as a ResponseStream. */
export function streamOf(res: HttpResponse): ResponseStream {
  return res as unknown as ResponseStream;
}
