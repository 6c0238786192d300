/**
 * Test support: runs a real versioned kubectl (kubectl.1.27 … kubectl.1.33,
 * installed beside the `kubectl` dispatcher) against a kubeconfig.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The folder with the versioned kubectl binaries. */
export function kubectlDir(): string {
  const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  return dirname(realpathSync(onPath));
}

/** Path of kubectl at a minor version; throws (never skips) when missing. */
export function kubectlBinary(minor: number): string {
  const p = join(kubectlDir(), `kubectl.1.${minor}`);
  if (!existsSync(p)) throw new Error(`kubectl 1.${minor} is not installed at ${p}`);
  return p;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl bound to one version, kubeconfig and private cache dir. */
export class Kubectl {
  readonly cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  constructor(readonly minor: number, readonly kubeconfig: string) {}

  private args(args: string[]): string[] {
    return [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${this.cacheDir}`, ...args];
  }

  /** Runs kubectl to completion. */
  run(args: string[], input?: string): KubectlResult {
    const r = spawnSync(kubectlBinary(this.minor), this.args(args), { input, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** Runs kubectl and fails with its output when it exits non-zero. */
  ok(args: string[], input?: string): string {
    const r = this.run(args, input);
    if (r.code !== 0) throw new Error(`kubectl.1.${this.minor} ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  /** Starts a long-running kubectl (e.g. `get -w`); collects stdout. */
  start(args: string[]): { output: () => string; stop: () => void; waitFor: (re: RegExp, ms?: number) => Promise<string> } {
    const p = spawn(kubectlBinary(this.minor), this.args(args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    return {
      output: () => out,
      stop: () => p.kill('SIGKILL'),
      waitFor: (re, ms = 20_000) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${out}`)), ms);
          const check = () => {
            if (re.test(out)) {
              clearTimeout(t);
              resolve(out);
            }
          };
          p.stdout.on('data', check);
          p.stderr.on('data', check);
          check();
        }),
    };
  }
}
