/**
 * `/healthz`, `/livez` and `/readyz` with named checks, `?verbose`,
 * `?exclude=<check>` and per-check paths (`/readyz/ping`), as kube-apiserver serves them.
 */
import { streamOf, type HttpRequest, type HttpResponse } from '../http.js';

/** A named health check: resolves when healthy, rejects (or returns false) otherwise. */
export interface HealthCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

/** A set of checks served under one path. */
export class HealthEndpoint {
  constructor(readonly path: string, private readonly checks: HealthCheck[]) {}

  /** Serves `path`, `path/`, `path/<check>`; returns false for other paths. */
  async serve(req: HttpRequest, res: HttpResponse, path: string, query: URLSearchParams): Promise<boolean> {
    if (path !== this.path && !path.startsWith(`${this.path}/`)) return false;
    const rest = path.slice(this.path.length).replace(/^\/+|\/+$/g, '');
    const excluded = new Set(query.getAll('exclude'));
    let checks = this.checks.filter((c) => !excluded.has(c.name));
    if (rest !== '') {
      const one = this.checks.find((c) => c.name === rest);
      if (!one) {
        res.statusCode = 404;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('404 page not found\n');
        return true;
      }
      checks = [one];
    }
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          return { name: c.name, ok: (await c.check()) !== false };
        } catch {
          return { name: c.name, ok: false };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    const verbose = query.has('verbose');
    let body: string;
    if (verbose || !ok) {
      const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
      for (const e of excluded) lines.push(`[+]${e} excluded: ok`);
      const name = this.path.slice(1);
      lines.push(ok ? `${name} check passed` : `${name} check failed`);
      body = lines.join('\n') + '\n';
    } else {
      body = 'ok';
    }
    res.statusCode = ok ? 200 : 500;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache, private');
    if (req.method === 'HEAD') streamOf(res).end();
    else streamOf(res).end(body);
    return true;
  }
}
