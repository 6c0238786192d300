/**
 * Key layout in etcd, as kube-apiserver lays keys out under --etcd-prefix.
 *
 * Callers use keys beginning with `/registry` (e.g.
 * `/registry/configmaps/ns/name`, and range ends such as `/registry0`). With
 * a prefix P, that leading `/registry` is replaced by P on the way to etcd and
 * restored on the way back, so `--etcd-prefix=/kapi` stores
 * `/kapi/configmaps/ns/name`, exactly where kube-apiserver would.
 *
 * Keys that do not begin with `/registry` are stored as given. On the way back
 * every etcd key beginning with P is shown with `/registry` instead, so such a
 * key that happens to begin with P would come back renamed; callers only use
 * `/registry` keys. The prefix is normalised like a path: trailing slashes are
 * dropped (`/kapi/` is `/kapi`, `/` is the empty prefix).
 */

/** The default prefix, which is also the caller's key space. */
export const DEFAULT_ETCD_PREFIX = '/registry';

/** Maps caller keys to etcd keys and back. */
export class KeyLayout {
  /** The etcd prefix that stands for `/registry`. */
  readonly prefix: string;
  private readonly identity: boolean;

  constructor(prefix: string = DEFAULT_ETCD_PREFIX) {
    this.prefix = prefix.replace(/\/+$/, '');
    this.identity = this.prefix === DEFAULT_ETCD_PREFIX;
  }

  /** The etcd key (or range end) for a caller key. `'\0'` (no end) stays as is. */
  toEtcd(key: string): Buffer {
    if (!this.identity && key.startsWith(DEFAULT_ETCD_PREFIX)) {
      return Buffer.from(this.prefix + key.slice(DEFAULT_ETCD_PREFIX.length), 'utf8');
    }
    return Buffer.from(key, 'utf8');
  }

  /** The caller key for an etcd key. */
  fromEtcd(key: Buffer): string {
    const s = key.toString('utf8');
    if (!this.identity && s.startsWith(this.prefix)) return DEFAULT_ETCD_PREFIX + s.slice(this.prefix.length);
    return s;
  }
}
