/**
 * Value transformers: how a stored value is turned into its at-rest bytes and
 * back (k8s.io/apiserver/pkg/storage/value, restated). A transformer may be
 * given authenticated data (the storage key) that must match on read.
 *
 * Layout on disk: `<prefix><transformer output>`. Encrypted values carry the
 * reserved prefix `k8s:enc:`; plain values (JSON `{`, protobuf `k8s\0`) never
 * do.
 */

/** The result of reading a value back. */
export interface FromStorage {
  data: Buffer;
  /** True when the value was not written by the current write transformer: re-writing it migrates it. */
  stale: boolean;
}

/** Turns values into at-rest bytes and back. Errors are thrown as `Error`s with Kubernetes' texts. */
export interface ValueTransformer {
  /** At-rest bytes → value. `authenticatedData` is what the value was written with (the storage key). */
  fromStorage(data: Buffer, authenticatedData: Buffer): FromStorage;
  /** Value → at-rest bytes. */
  toStorage(data: Buffer, authenticatedData: Buffer): Buffer;
}

/** A transformer that owns the values starting with `prefix` (the prefix is stripped before it runs). */
export interface PrefixTransformer {
  prefix: Buffer;
  transformer: ValueTransformer;
}

/** The prefix reserved for encrypted values. */
export const encryptedPrefix = Buffer.from('k8s:enc:');

/**
 * The identity transformer that refuses to read encrypted data (Kubernetes'
 * EncryptCheckTransformer): used for `identity: {}` and for resources no
 * configuration covers.
 */
export const identityTransformer: ValueTransformer = {
  fromStorage(data) {
    if (data.subarray(0, encryptedPrefix.length).equals(encryptedPrefix)) {
      throw new Error('identity transformer tried to read encrypted data');
    }
    return { data, stale: false };
  },
  toStorage(data) {
    return data;
  },
};

/**
 * Chooses among transformers by prefix, in order (NewPrefixTransformers):
 * the first writes; on read, the first whose prefix matches and succeeds
 * wins. A failing match does not stop the search (two providers of the same
 * kind share a prefix during key rotation); when every match failed, their
 * errors are reported, and when none matched, `noMatch`.
 */
export class PrefixTransformers implements ValueTransformer {
  constructor(
    private readonly transformers: readonly PrefixTransformer[],
    private readonly noMatch = 'the provided value does not match any of the supported transformers',
  ) {
    if (transformers.length === 0) throw new Error('PrefixTransformers needs at least one transformer');
  }

  fromStorage(data: Buffer, authenticatedData: Buffer): FromStorage {
    const errors: string[] = [];
    for (let i = 0; i < this.transformers.length; i++) {
      const t = this.transformers[i];
      if (!data.subarray(0, t.prefix.length).equals(t.prefix)) continue;
      try {
        const r = t.transformer.fromStorage(data.subarray(t.prefix.length), authenticatedData);
        return { data: r.data, stale: r.stale || i !== 0 };
      } catch (err) {
        // An unprefixed (identity) transformer's refusal is not an error: a later provider may read it.
        if (t.prefix.length === 0) continue;
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (errors.length === 1) throw new Error(errors[0]);
    if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
    throw new Error(this.noMatch);
  }

  toStorage(data: Buffer, authenticatedData: Buffer): Buffer {
    const t = this.transformers[0];
    return Buffer.concat([t.prefix, t.transformer.toStorage(data, authenticatedData)]);
  }
}
