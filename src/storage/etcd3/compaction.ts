/**
 * Compaction shared by several kapi (or kube-apiserver) replicas on one etcd,
 * coordinated through the key `compact_rev_key`, as kube-apiserver's etcd3
 * compactor does (k8s.io/apiserver/pkg/storage/etcd3/compact.go):
 *
 * - The key lives at the root of etcd's key space (not under --etcd-prefix),
 *   its value is the decimal revision of the last compaction, and its
 *   `version` serves as a logical clock.
 * - A replica that wants to compact to R writes R into the key in a
 *   transaction that compares the key's version with the one it last saw.
 *   Only the replica whose transaction succeeds calls etcd's Compact; the
 *   others learn the new version and revision from the failed transaction.
 *
 * One difference, so that `KV.compact(R)` keeps its contract: kube-apiserver
 * skips its turn when the comparison fails. Here a replica that loses the race
 * reads the winner's revision; if that is at least R there is nothing left to
 * do (no second Compact call), otherwise it tries again with the new version.
 * The key's value therefore never goes backwards, and two replicas never
 * compact at the same time.
 *
 * The compacted revision a replica reports is the highest of: its own
 * compactions, the key's value (read on each `compactedRevision` call), and
 * what etcd revealed (a watch cancelled with `compact_revision`, or the probe
 * the KV runs after a read at a compacted revision). etcd itself has no call
 * that returns its compacted revision.
 */
import type { EtcdConnection } from './connection.js';
import type { PbKeyValue, PbResponseHeader } from './proto.js';

/** The coordination key kube-apiserver uses. */
export const COMPACT_REV_KEY = 'compact_rev_key';

const KEY = Buffer.from(COMPACT_REV_KEY);

/** Tracks the compacted revision and runs coordinated compactions. */
export class CompactionState {
  /** The highest compacted revision known to this replica. */
  known = 0;
  /** The version of compact_rev_key last seen (kube-apiserver's "compact time"). */
  private version = 0;

  constructor(
    private readonly conn: EtcdConnection,
    private readonly timeoutMs: () => number,
    private readonly observe: (h: PbResponseHeader | null) => void,
  ) {}

  /** Raises the known compacted revision. */
  learn(revision: number): void {
    if (revision > this.known) this.known = revision;
  }

  /** Reads compact_rev_key and returns the compacted revision known afterwards. */
  async refresh(): Promise<number> {
    const r = await this.conn.unary('KV.range', { key: KEY }, { timeoutMs: this.timeoutMs(), write: false });
    this.observe(r.header);
    this.adopt(r.kvs[0]);
    return this.known;
  }

  /**
   * Compacts etcd to `revision` unless it already is (see the file comment).
   * The caller has checked that `revision` is not in the future.
   */
  async compact(revision: number, compactTimeoutMs: number): Promise<void> {
    for (;;) {
      if (revision <= this.known) return;
      const r = await this.conn.unary(
        'KV.txn',
        {
          compare: [{ key: KEY, target: 'Version', result: 'Equal', version: this.version }],
          success: [{ request_put: { key: KEY, value: Buffer.from(String(revision)) } }],
          failure: [{ request_range: { key: KEY } }],
        },
        { timeoutMs: this.timeoutMs(), write: true },
      );
      this.observe(r.header);
      if (r.succeeded) {
        this.version++;
        break;
      }
      this.adopt(r.responses[0]?.response_range?.kvs[0]);
    }
    try {
      const c = await this.conn.unary('KV.compact', { revision, physical: true }, { timeoutMs: compactTimeoutMs, write: true });
      this.observe(c.header);
    } catch (err) {
      // Already compacted further (by etcd's own auto-compaction or etcdctl): nothing to do.
      if (!(err instanceof Error && err.message.includes('required revision has been compacted'))) throw err;
    }
    this.learn(revision);
  }

  /** Takes the version and revision from compact_rev_key as read (absent: version 0). */
  private adopt(kv: PbKeyValue | undefined): void {
    if (!kv) {
      this.version = 0;
      return;
    }
    this.version = Number(kv.version);
    const rev = Number.parseInt(kv.value.toString('utf8'), 10);
    if (Number.isFinite(rev)) this.learn(rev);
  }
}
