/**
 * Test support for authentication: an OIDC provider and a TokenReview
 * webhook over HTTPS on 127.0.0.1 (with their own test CA), a token file,
 * the kapi flags that point at them, and kubeconfigs that log in with a
 * bearer token.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import {
  startOIDCIssuer,
  startTokenReviewWebhook,
  tempDir,
  testPki,
  webhookKubeconfig,
  type TempDir,
  type TestOIDCIssuer,
  type TestWebhook,
} from '../../src/authn/testing.js';

/** Users of the token file: `admin-token` is in system:masters, `user-token` is not. */
export const tokenFileText = 'admin-token,alice,1001,"system:masters,admins"\nuser-token,bob,1002,dev\n';

export interface AuthnEnv {
  dir: TempDir;
  oidc: TestOIDCIssuer;
  webhook: TestWebhook;
  /** `--token-auth-file`, `--oidc-*` and `--authentication-token-webhook-config-file` flags. */
  flags: string[];
  close(): Promise<void>;
}

/** Starts the OIDC provider (client id `kapi`, groups claim `groups`) and the webhook (`hook-token` → user `hooked`). */
export async function startAuthnEnv(): Promise<AuthnEnv> {
  const dir = tempDir('kapi-authn-it-');
  const pki = await testPki(dir, 'idp-pki');
  const oidc = await startOIDCIssuer(pki, 'kapi');
  const webhook = await startTokenReviewWebhook(pki, (review) => {
    const token = (review.spec as { token?: string }).token;
    return {
      body: {
        apiVersion: review.apiVersion,
        kind: 'TokenReview',
        status: token === 'hook-token' ? { authenticated: true, user: { username: 'hooked', uid: 'h-1', groups: ['from-hook'] } } : { authenticated: false },
      },
    };
  });
  const flags = [
    `--token-auth-file=${dir.write('tokens.csv', tokenFileText)}`,
    `--oidc-issuer-url=${oidc.url}`,
    '--oidc-client-id=kapi',
    `--oidc-ca-file=${dir.write('oidc-ca.crt', pki.caCertPem)}`,
    '--oidc-groups-claim=groups',
    '--oidc-groups-prefix=oidc:',
    `--authentication-token-webhook-config-file=${dir.write('webhook.kubeconfig', webhookKubeconfig(webhook.url, pki.caCertPem))}`,
  ];
  return {
    dir,
    oidc,
    webhook,
    flags,
    async close() {
      await oidc.close();
      await webhook.close();
      dir.remove();
    },
  };
}

/** Writes a kubeconfig for kapi's server and CA (taken from its admin kubeconfig) that logs in with `token`. */
export function tokenKubeconfig(dir: TempDir, adminKubeconfig: string, token: string, name = `token-${Math.random().toString(36).slice(2)}`): string {
  const admin = parse(readFileSync(adminKubeconfig, 'utf8')) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[] };
  const cluster = admin.clusters[0].cluster;
  return dir.write(
    `${name}.kubeconfig`,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kapi', cluster: { server: cluster.server, 'certificate-authority-data': cluster['certificate-authority-data'] } }],
      users: [{ name: 'token-user', user: { token } }],
      contexts: [{ name: 'kapi', context: { cluster: 'kapi', user: 'token-user', namespace: 'default' } }],
      'current-context': 'kapi',
    }),
  );
}
