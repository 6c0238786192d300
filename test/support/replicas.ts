/**
 * Test support: kapi processes on etcd. Replicas share one `--cert-dir` (so
 * one CA and one admin certificate serve them all) and the same
 * `--etcd-prefix`; each has its own `--data-dir`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startKapi, type KapiProcess } from './server.js';

/** A fresh etcd key prefix, so tests sharing one etcd never see each other's keys. */
export function uniquePrefix(name: string): string {
  return `/kapi-test-${name}-${randomBytes(4).toString('hex')}`;
}

/** Options for {@link startKapiReplicas}. */
export interface ReplicaOptions {
  /** etcd client URLs (every member). */
  endpoints: string[];
  /** `--etcd-prefix`. */
  prefix: string;
  /** Extra flags for every replica. */
  args?: string[];
  /** Extra flags per replica index. */
  argsOf?: (i: number) => string[];
}

/** A set of kapi replicas on one etcd. */
export interface Replicas {
  readonly members: KapiProcess[];
  readonly certDir: string;
  /** Starts one more replica with the shared certificates. */
  add(extraArgs?: string[]): Promise<KapiProcess>;
  /** Stops every replica and removes the shared certificate folder. */
  stop(): Promise<void>;
}

/** The flags that point kapi at etcd. */
export function etcdArgs(endpoints: string[], prefix: string): string[] {
  return [`--etcd-servers=${endpoints.join(',')}`, `--etcd-prefix=${prefix}`];
}

/**
 * Starts `n` kapi replicas on etcd, one after the other (the first one
 * generates the shared certificates, the others reuse them).
 */
export async function startKapiReplicas(n: number, opts: ReplicaOptions): Promise<Replicas> {
  const certDir = mkdtempSync(join(tmpdir(), 'kapi-certs-'));
  const members: KapiProcess[] = [];
  const add = async (extraArgs: string[] = []) => {
    const i = members.length;
    const k = await startKapi({ args: [...etcdArgs(opts.endpoints, opts.prefix), `--cert-dir=${certDir}`, ...(opts.args ?? []), ...(opts.argsOf?.(i) ?? []), ...extraArgs] });
    members.push(k);
    return k;
  };
  try {
    for (let i = 0; i < n; i++) await add();
  } catch (err) {
    await Promise.all(members.map((m) => m.stop()));
    rmSync(certDir, { recursive: true, force: true });
    throw err;
  }
  return {
    members,
    certDir,
    add,
    async stop() {
      await Promise.all(members.map((m) => m.stop()));
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}
