/**
 * `kapi`: the command line. `kapi serve` parses flags → options → a running
 * server on the embedded SQLite store; SIGTERM/SIGINT shut it down gracefully.
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseServeOptions, serveUsage, type ServeOptions } from './options/serve.js';
import { ensurePki } from './server/certs/pki.js';
import { SecureServer, WaitGroup } from './server/server.js';
import { buildHandlerChain } from './server/chain.js';
import { APIServer } from './server/apiserver.js';
import { newAuthentication, storeObjectGetter } from './authn/config.js';
import { newAuthorizerFromModes } from './authz/modes.js';
import { listWatchFromStore, rbacSourceFromStores } from './registry/rbac/client.js';
import { startRbacControllers } from './registry/rbac/setup.js';
import { DynamicAdmission } from './admission/webhook/factories.js';
import { rbacEscalationCheck } from './registry/rbac/escalation.js';
import { selfSubjectRulesReview } from './authz/rulesreview.js';
import { writeKubeconfig } from './server/kubeconfig.js';
import { openSqliteKV } from './storage/sqlite/kv.js';
import { newKvStorage } from './storage/kvstore/store.js';
import { versionInfo } from './server/version.js';
import { openEtcdKV } from './storage/etcd3/kv.js';
import { startCompactor } from './storage/compactor.js';
import type { KV } from './storage/kv/interface.js';
import { defaultFilters } from './server/chain.js';
import { auditOptionsFrom, newAuditor } from './audit/options.js';
import { ServingCertificateReloader, tlsOptionsFrom } from './server/tls.js';
import { allowedSourceRangesFrom, SourceAllowlist } from './server/filters/allowlist.js';
import { encryptionOptionsFrom, withEncryption } from './storage/value/options.js';
import { builtinResources } from './registry/definitions.js';

const usage = `kapi — a Kubernetes API server

Usage:
  kapi serve [flags]   Start the API server (see: kapi serve --help)
  kapi version         Print the Kubernetes version kapi serves
`;

/** Paths anyone may read (kube-apiserver's system:public-info-viewer role). */
function isPublicPath(path: string): boolean {
  return /^\/(healthz|livez|readyz)(\/.*)?$/.test(path) || path === '/version' || path === '/version/';
}

/** Opens the KV backend the options select. */
function openKV(opts: ServeOptions): KV {
  if (opts.storageBackend === 'etcd3') {
    return openEtcdKV({
      endpoints: opts.etcdServers,
      prefix: opts.etcdPrefix,
      // Storage calls must fail before the request timeout answers for them.
      requestTimeoutMs: opts.requestTimeoutMs > 0 ? Math.min(10_000, Math.max(1_000, Math.floor(opts.requestTimeoutMs / 2))) : 10_000,
      tls: opts.etcdCaFile || opts.etcdCertFile ? { caFile: opts.etcdCaFile || undefined, certFile: opts.etcdCertFile || undefined, keyFile: opts.etcdKeyFile || undefined } : undefined,
    });
  }
  // Inline group commit measured faster than the writer thread on 2 cores (bench/storage.ts).
  return openSqliteKV({ path: join(opts.dataDir, 'kapi.db'), writer: 'inline' });
}

/** A started server, for tests and the CLI. */
export interface RunningServer {
  port: number;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/** Starts kapi with completed options. */
export async function startServer(opts: ServeOptions, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<RunningServer> {
  const started = Date.now();
  mkdirSync(opts.dataDir, { recursive: true });
  const pki = await ensurePki({
    certDir: opts.certDir,
    extraSans: [opts.bindAddress, opts.advertiseAddress],
    tlsCertFile: opts.tlsCertFile || undefined,
    tlsPrivateKeyFile: opts.tlsPrivateKeyFile || undefined,
    clientCaFile: opts.clientCaFile || undefined,
  });
  const kv = openKV(opts);
  // Encryption at rest wraps the backend itself: under Storage, the watch cache and every reader.
  const encryption = withEncryption(kv, encryptionOptionsFrom(opts.flagValues), builtinResources, log);
  const storage = newKvStorage(encryption.kv);
  const auditor = newAuditor(auditOptionsFrom(opts.flagValues), log);
  const tls = tlsOptionsFrom(opts.flagValues);
  const allowlist = new SourceAllowlist(allowedSourceRangesFrom(opts.flagValues), log);
  const compactor = startCompactor(kv, opts.etcdCompactionIntervalMs, (err) => log(`kapi: compaction failed: ${String(err)}`));
  let shuttingDown = false;
  const shutdownController = new AbortController();
  // Every in-flight request listens for shutdown.
  setMaxListeners(0, shutdownController.signal);
  const inFlight = new WaitGroup();
  let port = opts.securePort;
  const hostFor = (addr: string) => (addr.includes(':') ? `[${addr}]` : addr);
  // The RBAC and Node authorizers follow the API's own stores (looked up once the stores exist).
  let apiRef: APIServer | undefined;
  const storeOf = (group: string, resource: string) => {
    if (!apiRef) throw new Error('API server not built yet');
    return apiRef.store(group, resource);
  };
  const rbacServed = !/rbac\.authorization\.k8s\.io\/v1=false|api\/all=false/.test(opts.runtimeConfig);
  const authorizer = newAuthorizerFromModes(opts.authorization, {
    rbacSource: rbacServed ? rbacSourceFromStores((r) => storeOf('rbac.authorization.k8s.io', r)) : undefined,
    podSource: { list: (...a) => listWatchFromStore(storeOf('', 'pods')).list(...a), watch: (...a) => listWatchFromStore(storeOf('', 'pods')).watch(...a) },
  });
  // The ServiceAccount authenticator reads ServiceAccounts, Pods, Secrets and Nodes from the API's stores.
  let stores: APIServer['stores'] | undefined;
  const authentication = newAuthentication(opts.authentication, {
    getObject: storeObjectGetter((resource) => stores?.get(`/${resource}`)),
    defaultServiceAccountSigningKeyPem: pki.saKeyPem,
    publicPaths: isPublicPath,
    log,
  });
  // Webhooks and ValidatingAdmissionPolicy follow their configuration objects through the stores.
  const dynamic = new DynamicAdmission((group, resource) => listWatchFromStore(api.store(group, resource)));
  const api: APIServer = new APIServer({
    admissionPlugins: () => dynamic.factories(),
    storage,
    authorizer,
    caCertPem: pki.caCertPem,
    tokenSigner: authentication.signer,
    admission: opts.admission,
    rbacEscalation: authorizer.rbacCache ? rbacEscalationCheck(authorizer, authorizer.rbacCache) : undefined,
    rulesReview: (user, review) => selfSubjectRulesReview(authorizer.ruleResolver, user, review),
    apiAudiences: authentication.apiAudiences,
    tokenAuthenticator: authentication.tokenAuthenticate,
    maxRequestBytes: opts.maxRequestBytes,
    serverAddress: () => `${hostFor(opts.advertiseAddress)}:${port}`,
    readyChecks: [{ name: 'etcd', check: () => kv.healthy() }],
    watchCache: opts.watchCache,
    runtimeConfig: opts.runtimeConfig ? [opts.runtimeConfig] : [],
    serviceClusterIpRange: opts.serviceClusterIpRange,
    serviceNodePortRange: opts.serviceNodePortRange,
    advertise: () => ({ address: opts.advertiseAddress, port }),
    shuttingDown: () => shuttingDown,
  });
  stores = api.stores;
  apiRef = api;
  await api.ready(10_000, log);
  await authorizer.start();
  await dynamic.start();
  await api.bootstrap();
  const rbacControllers =
    rbacServed && authorizer.rbacCache
      ? await startRbacControllers({ cache: authorizer.rbacCache, storeFor: (r) => api.store('rbac.authorization.k8s.io', r), log })
      : undefined;
  const handler = buildHandlerChain(api.handler, {
    authenticator: authentication.authenticator,
    authorizer,
    publicPaths: isPublicPath,
    shutdownSignal: shutdownController.signal,
    requestTimeoutMs: opts.requestTimeoutMs,
    inFlight,
  }, auditor ? auditor.filters(defaultFilters) : defaultFilters);
  const server = new SecureServer(
    {
      bindAddress: opts.bindAddress,
      port: opts.securePort,
      certPem: pki.servingCertPem,
      keyPem: pki.servingKeyPem,
      clientCaPem: pki.caCertPem,
      tls,
      onConnection: allowlist.allowsAll ? undefined : (socket) => void allowlist.onConnection(socket),
    },
    handler,
  );
  // Serving certificate, key and client CA are reloaded when they change on disk.
  const reloader = new ServingCertificateReloader(
    {
      certFile: opts.tlsCertFile || join(opts.certDir, 'apiserver.crt'),
      keyFile: opts.tlsPrivateKeyFile || join(opts.certDir, 'apiserver.key'),
      clientCaFile: opts.clientCaFile || join(opts.certDir, 'ca.crt'),
    },
    tls,
    server,
    log,
  );
  reloader.start();
  const addr = await server.listen();
  port = addr.port;
  await api.publishKubernetesService();
  const url = `https://${hostFor(opts.advertiseAddress)}:${port}`;
  writeKubeconfig(opts.kubeconfigOut, { server: url, caCertPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem });
  const where = opts.storageBackend === 'etcd3' ? `etcd ${opts.etcdServers.join(',')} prefix ${opts.etcdPrefix}` : join(opts.dataDir, 'kapi.db');
  log(`kapi ${versionInfo().gitVersion} serving on ${url} (store ${where}), ready in ${Date.now() - started} ms`);
  log(`export KUBECONFIG=${opts.kubeconfigOut}`);

  let stopping: Promise<void> | undefined;
  return {
    port,
    kubeconfigPath: opts.kubeconfigOut,
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        const closing = server.close(inFlight, 10_000);
        // Long-running requests (watches) end at once; others may finish.
        shutdownController.abort();
        await closing;
        reloader.stop();
        await auditor?.shutdown();
        encryption.stop();
        compactor.stop();
        rbacControllers?.stop();
        authorizer.stop();
        dynamic.stop();
        api.stop();
        await kv.close();
      })();
      return stopping;
    },
  };
}

/** The CLI entry point. */
export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage);
    return;
  }
  if (cmd === 'version') {
    process.stdout.write(JSON.stringify(versionInfo(), null, 2) + '\n');
    return;
  }
  if (cmd !== 'serve') throw new Error(`unknown command ${JSON.stringify(cmd)}\n${usage}`);
  const opts = parseServeOptions(rest);
  if (opts.help) {
    process.stdout.write(serveUsage());
    return;
  }
  const running = await startServer(opts, (l) => process.stdout.write(l + '\n'));
  let signalled = false;
  const onSignal = (sig: string) => {
    if (signalled) {
      process.exit(1);
    }
    signalled = true;
    process.stdout.write(`kapi: ${sig} received, shutting down\n`);
    running.stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`kapi: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
