/**
 * Test support: kubectl run without blocking the test process. Webhook
 * servers live in the test process, so a synchronous kubectl (spawnSync)
 * would freeze the very server kapi is calling.
 */
import { spawn } from 'node:child_process';
import { kubectlBinary, type Kubectl, type KubectlResult } from './kubectl.js';

/** Runs `kubectl.1.<minor>` with the given kubeconfig and cache dir, asynchronously. */
export function kubectlAsync(kubectl: Kubectl, args: string[], input?: string, timeoutMs = 60_000): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(kubectlBinary(kubectl.minor), [`--kubeconfig=${kubectl.kubeconfig}`, `--cache-dir=${kubectl.cacheDir}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(input ?? '');
  });
}
