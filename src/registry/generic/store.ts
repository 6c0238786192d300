/**
 * The generic store: REST semantics for every persisted resource on top of
 * Storage (k8s.io/apiserver/pkg/registry/generic/registry/store.go, restated).
 * No resource subclasses it; what differs lives in the ResourceDefinition,
 * its strategy and the optional hooks.
 *
 * Create: namespace checks → system metadata → generateName → strategy
 * (defaults, prepareForCreate, validate, canonicalize) → admission validation
 * callback → storage.create. Update/patch run inside guaranteedUpdate so
 * conflicts retry against the fresh object.
 */
import type { KubeObject, ObjectMeta } from '../../runtime/object.js';
import {
  newBadRequest,
  newConflict,
  newForbidden,
  newInvalid,
  newNotFound,
  OptimisticLockErrorMsg,
  StatusError,
  type GroupResource,
} from '../../runtime/errors.js';
import { isStorageError } from '../../storage/errors.js';
import type { ListResult, Preconditions, SelectionPredicate, Storage, WatchStream } from '../../storage/interface.js';
import type { FieldError } from '../../validation/field/errors.js';
import { invalid, FieldPath, required } from '../../validation/field/errors.js';
import type { ResourceDefinition } from '../rest/definition.js';
import type { StrategyContext } from '../rest/strategy.js';
import { interpretStorageError } from './errors.js';
import { deepCopy, fillObjectMetaSystemFields, generateName, jsonEqual, metaOf, nowTimestamp } from './meta.js';

/** What the store needs to know about one request. */
export interface RequestScope {
  namespace: string;
  user?: StrategyContext['user'];
  /** `All` when the request has `dryRun=All`. */
  dryRun: boolean;
}

/** Called after strategy validation, before the write: validating admission. */
export type ValidateObjectFunc = (obj: KubeObject, old: KubeObject | null) => Promise<void> | void;

/** Options of a delete (metav1.DeleteOptions, the parts kapi honours). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
}

/** The result of a delete: the object and whether it is gone now. */
export interface DeleteResult {
  object: KubeObject;
  /** False when deletion is pending (finalizers or graceful deletion). */
  deleted: boolean;
}

export interface ListRequest {
  predicate: SelectionPredicate;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: '' | 'NotOlderThan' | 'Exact';
}

export interface WatchRequest {
  predicate: SelectionPredicate;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

/** Hooks a resource can add around the generic operations (namespaces, service accounts...). */
export interface StoreHooks {
  /**
   * Runs after the strategy validated a new object and before it is written
   * (e.g. allocate a cluster IP). The returned finish function is called with
   * true once the object is stored, false when the create fails or is a dry run.
   */
  beginCreate?(obj: KubeObject, scope: RequestScope): Promise<FinishFunc | void> | FinishFunc | void;
  /** Like beginCreate, for an update of `old` (once per attempt: a retried attempt is finished with false). */
  beginUpdate?(obj: KubeObject, old: KubeObject, scope: RequestScope): Promise<FinishFunc | void> | FinishFunc | void;
  /** Runs after a successful (non-dry-run) create. */
  afterCreate?(obj: KubeObject, scope: RequestScope): Promise<void> | void;
  /** Runs after a successful (non-dry-run) update of the main resource or a subresource. */
  afterUpdate?(obj: KubeObject, scope: RequestScope, subresource: string): Promise<void> | void;
  /** Runs after the object was removed from storage. */
  afterDelete?(obj: KubeObject, scope: RequestScope): Promise<void> | void;
  /**
   * Decides how a delete proceeds. Returning 'pending' with a mutated object
   * keeps the object (e.g. a namespace moves to Terminating and is finalized later).
   */
  beginDelete?(obj: KubeObject, opts: DeleteOptions): 'immediate' | 'pending';
  /** Runs after a delete was recorded as pending (deletionTimestamp set, object kept). */
  onPendingDelete?(obj: KubeObject): void;
  /** Converts the stored object to the served version (and back), when they differ. */
  toServed?(obj: KubeObject): KubeObject;
  toStored?(obj: KubeObject): KubeObject;
}

/** Completes what a begin hook started: `success` tells whether the write happened. */
export type FinishFunc = (success: boolean) => Promise<void> | void;

/** Looks up a namespace's phase: null when it does not exist. */
export type NamespacePhaseFunc = (name: string) => Promise<'Active' | 'Terminating' | null>;

/** Maximum generateName retries on a name collision. */
export const generateNameAttempts = 8;

/** Generic REST storage for one resource. */
export class GenericStore {
  readonly gr: GroupResource;
  readonly prefix: string;

  constructor(
    readonly def: ResourceDefinition,
    private readonly storage: Storage,
    private readonly namespacePhase: NamespacePhaseFunc,
    private readonly hooks: StoreHooks = {},
    /** Key prefix under the storage root, e.g. `/registry/deployments/`. */
    prefix?: string,
  ) {
    this.gr = { group: def.group, resource: def.resource };
    this.prefix = prefix ?? `/registry/${def.resource}/`;
  }

  /** The key of one object. */
  keyFor(namespace: string, name: string): string {
    return this.def.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** The key prefix of a collection (all namespaces when namespace is ""). */
  collectionKey(namespace: string): string {
    return this.def.namespaced && namespace !== '' ? `${this.prefix}${namespace}/` : this.prefix;
  }

  private served(obj: KubeObject): KubeObject {
    const out = this.hooks.toServed ? this.hooks.toServed(obj) : obj;
    out.apiVersion = this.def.group === '' ? this.def.version : `${this.def.group}/${this.def.version}`;
    out.kind = this.def.kind;
    return out;
  }

  private stored(obj: KubeObject): KubeObject {
    return this.hooks.toStored ? this.hooks.toStored(obj) : obj;
  }

  private strategyCtx(scope: RequestScope, subresource: string): StrategyContext {
    return { namespace: scope.namespace, user: scope.user, subresource };
  }

  private invalid(name: string, errs: FieldError[]): StatusError {
    return newInvalid(this.def.kind, this.def.group, name, errs);
  }

  /** Checks and sets metadata.namespace against the request (BeforeCreate/BeforeUpdate). */
  private checkNamespace(meta: ObjectMeta, scope: RequestScope): void {
    if (this.def.namespaced) {
      if (!meta.namespace) meta.namespace = scope.namespace;
      else if (meta.namespace !== scope.namespace) {
        throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
    } else {
      delete meta.namespace;
    }
  }

  /** Refuses writes into a namespace that does not exist or is terminating (NamespaceLifecycle). */
  private async checkNamespaceLifecycle(scope: RequestScope, name: string): Promise<void> {
    if (!this.def.namespaced) return;
    const phase = await this.namespacePhase(scope.namespace);
    if (phase === null) throw newNotFound({ group: '', resource: 'namespaces' }, scope.namespace);
    if (phase === 'Terminating') {
      const err = newForbidden(this.gr, name, `unable to create new content in namespace ${scope.namespace} because it is being terminated`);
      err.status.details = { ...err.status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${scope.namespace} is being terminated`, field: 'metadata.namespace' }] };
      throw err;
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  async get(scope: RequestScope, name: string, resourceVersion?: string): Promise<KubeObject> {
    try {
      const obj = await this.storage.get(this.keyFor(scope.namespace, name), { resourceVersion });
      if (obj === null) throw newNotFound(this.gr, name);
      return this.served(obj);
    } catch (err) {
      throw interpretStorageError(err, this.gr, name);
    }
  }

  async list(scope: RequestScope, req: ListRequest): Promise<ListResult> {
    try {
      const single = req.predicate.singleName;
      const key = single !== undefined && (scope.namespace !== '' || !this.def.namespaced) ? this.keyFor(scope.namespace, single) : this.collectionKey(scope.namespace);
      const res = await this.storage.getList(key, {
        recursive: key.endsWith('/'),
        predicate: req.predicate,
        limit: req.limit,
        continue: req.continue,
        resourceVersion: req.resourceVersion,
        resourceVersionMatch: req.resourceVersionMatch,
      });
      res.items = res.items.map((o) => this.served(o));
      return res;
    } catch (err) {
      throw interpretStorageError(err, this.gr, '');
    }
  }

  async watch(scope: RequestScope, req: WatchRequest): Promise<WatchStream> {
    try {
      const single = req.predicate.singleName;
      const key = single !== undefined && (scope.namespace !== '' || !this.def.namespaced) ? this.keyFor(scope.namespace, single) : this.collectionKey(scope.namespace);
      const inner = await this.storage.watch(key, {
        recursive: key.endsWith('/'),
        predicate: req.predicate,
        resourceVersion: req.resourceVersion,
        allowWatchBookmarks: req.allowWatchBookmarks,
        sendInitialEvents: req.sendInitialEvents,
      });
      const served = (o: KubeObject) => this.served(o);
      return {
        stop: () => inner.stop(),
        async *[Symbol.asyncIterator]() {
          for await (const ev of inner) {
            if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') yield { type: ev.type, object: served(ev.object) };
            else yield ev;
          }
        },
      };
    } catch (err) {
      throw interpretStorageError(err, this.gr, '');
    }
  }

  // ---- create ------------------------------------------------------------------------------

  /**
   * Creates obj. `validate` is validating admission, run after the strategy's
   * validation. Returns the stored object.
   */
  async create(scope: RequestScope, input: KubeObject, validate?: ValidateObjectFunc): Promise<KubeObject> {
    const obj = deepCopy(input);
    const meta = metaOf(obj);
    this.checkNamespace(meta, scope);
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      throw newBadRequest('resourceVersion should not be set on objects to be created');
    }
    delete meta.resourceVersion;
    const useGenerateName = !meta.name && !!meta.generateName;
    if (!meta.name && !meta.generateName) {
      throw this.invalid('', [required(FieldPath.of('metadata', 'name'), 'name or generateName is required')]);
    }
    await this.checkNamespaceLifecycle(scope, meta.name ?? '');
    fillObjectMetaSystemFields(meta);
    if (useGenerateName) meta.name = generateName(meta.generateName as string);

    const strategy = this.def.strategy;
    const sctx = this.strategyCtx(scope, '');
    if (strategy) {
      strategy.defaults?.(obj);
      strategy.prepareForCreate(sctx, obj);
      const errs = strategy.validate(sctx, obj);
      if (errs.length > 0) throw this.invalid(meta.name ?? '', errs);
      strategy.canonicalize?.(obj);
    }
    const finish = (await this.hooks.beginCreate?.(obj, scope)) ?? undefined;
    let ok = false;
    try {
      if (validate) await validate(obj, null);
      if (scope.dryRun) return this.served(obj);
      for (let attempt = 0; ; attempt++) {
        try {
          const created = await this.storage.create(this.keyFor(scope.namespace, metaOf(obj).name as string), this.stored(obj));
          ok = true;
          const out = this.served(created);
          await this.hooks.afterCreate?.(out, scope);
          return out;
        } catch (err) {
          if (useGenerateName && isStorageError(err, 'KeyExists') && attempt + 1 < generateNameAttempts) {
            metaOf(obj).name = generateName(meta.generateName as string);
            continue;
          }
          throw interpretStorageError(err, this.gr, metaOf(obj).name ?? '');
        }
      }
    } finally {
      await finish?.(ok);
    }
  }

  // ---- update / patch ----------------------------------------------------------------------

  /**
   * Updates the object `name` with the result of `compute(current)`, which
   * returns the desired new object (the body of a PUT, or the current object
   * with a patch applied). Runs the strategy for the main resource or the
   * given subresource. `compute` is re-run on conflict unless the caller's
   * object pinned a resourceVersion.
   */
  async update(
    scope: RequestScope,
    name: string,
    subresource: string,
    compute: (current: KubeObject | null) => Promise<KubeObject> | KubeObject,
    validate?: ValidateObjectFunc,
    opts: { forceAllowCreate?: boolean } = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    const strategy = this.def.strategy;
    const sctx = this.strategyCtx(scope, subresource);
    const key = this.keyFor(scope.namespace, name);
    let created = false;
    let dryRunResult: KubeObject | null = null;
    let deleteAfter = false;
    // The begin hook of the attempt in flight; a retried attempt is finished with false first.
    let finish: FinishFunc | undefined;
    const settle = async (success: boolean) => {
      const f = finish;
      finish = undefined;
      await f?.(success);
    };
    try {
      const result = await this.storage.guaranteedUpdate(key, true, undefined, async (currentStored) => {
        const current = currentStored === null ? null : this.served(deepCopy(currentStored));
        await settle(false);
        const obj = deepCopy(await compute(current === null ? null : deepCopy(current)));
        const meta = metaOf(obj);
        this.checkNamespace(meta, scope);
        if (meta.name === undefined || meta.name === '') meta.name = name;
        if (meta.name !== name) {
          throw newBadRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
        }
        if (current === null) {
          const allow = opts.forceAllowCreate || (subresource === '' && (strategy?.allowCreateOnUpdate() ?? false));
          if (!allow) throw newNotFound(this.gr, name);
          await this.checkNamespaceLifecycle(scope, name);
          if (meta.resourceVersion) throw newNotFound(this.gr, name);
          delete meta.resourceVersion;
          fillObjectMetaSystemFields(meta);
          if (strategy) {
            strategy.defaults?.(obj);
            strategy.prepareForCreate(sctx, obj);
            const errs = strategy.validate(sctx, obj);
            if (errs.length > 0) throw this.invalid(name, errs);
            strategy.canonicalize?.(obj);
          }
          finish = (await this.hooks.beginCreate?.(obj, scope)) ?? undefined;
          if (validate) await validate(obj, null);
          created = true;
          if (scope.dryRun) {
            dryRunResult = obj;
            throw dryRunAbort;
          }
          return this.stored(obj);
        }
        const curMeta = metaOf(current);
        const rv = meta.resourceVersion;
        if (rv === undefined || rv === '') {
          if (strategy && !strategy.allowUnconditionalUpdate()) {
            throw this.invalid(name, [invalid(FieldPath.of('metadata', 'resourceVersion'), 0, 'must be specified for an update')]);
          }
        } else if (rv !== curMeta.resourceVersion) {
          throw newConflict(this.gr, name, OptimisticLockErrorMsg);
        }
        if (meta.uid && meta.uid !== curMeta.uid) {
          throw newConflict(this.gr, name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${curMeta.uid}`);
        }
        // System fields the client cannot change.
        meta.uid = curMeta.uid;
        meta.creationTimestamp = curMeta.creationTimestamp;
        if (curMeta.deletionTimestamp) {
          meta.deletionTimestamp = curMeta.deletionTimestamp;
          if (curMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = curMeta.deletionGracePeriodSeconds;
        } else {
          delete meta.deletionTimestamp;
          delete meta.deletionGracePeriodSeconds;
        }
        if (curMeta.generation !== undefined) meta.generation = curMeta.generation;
        meta.resourceVersion = curMeta.resourceVersion;
        if (strategy) {
          strategy.defaults?.(obj);
          strategy.prepareForUpdate(sctx, obj, current);
          const errs = strategy.validateUpdate(sctx, obj, current);
          if (errs.length > 0) throw this.invalid(name, errs);
          strategy.canonicalize?.(obj);
        }
        finish = (await this.hooks.beginUpdate?.(obj, current, scope)) ?? undefined;
        if (validate) await validate(obj, current);
        deleteAfter = !!meta.deletionTimestamp && (meta.finalizers ?? []).length === 0;
        if (scope.dryRun) {
          dryRunResult = obj;
          throw dryRunAbort;
        }
        delete meta.resourceVersion;
        return this.stored(obj);
      });
      await settle(true);
      const out = this.served(result);
      if (created) await this.hooks.afterCreate?.(out, scope);
      else if (!scope.dryRun) await this.hooks.afterUpdate?.(out, scope, subresource);
      if (deleteAfter) {
        // The last finalizer is gone from an object that is being deleted: remove it now.
        return { object: (await this.finishDelete(scope, name, { uid: metaOf(out).uid })).object, created };
      }
      return { object: out, created };
    } catch (err) {
      await settle(false);
      if (err === dryRunAbort && dryRunResult !== null) return { object: this.served(dryRunResult), created };
      throw interpretStorageError(err, this.gr, name);
    }
  }

  // ---- delete ------------------------------------------------------------------------------

  /** Removes the object from storage now, without graceful deletion (namespace finalization). */
  async remove(scope: RequestScope, name: string): Promise<KubeObject> {
    return (await this.finishDelete(scope, name)).object;
  }

  private async finishDelete(scope: RequestScope, name: string, preconditions?: Preconditions): Promise<DeleteResult> {
    try {
      const gone = await this.storage.delete(this.keyFor(scope.namespace, name), preconditions);
      const out = this.served(gone);
      await this.hooks.afterDelete?.(out, scope);
      return { object: out, deleted: true };
    } catch (err) {
      throw interpretStorageError(err, this.gr, name);
    }
  }

  /**
   * Deletes `name`. Objects with finalizers get a deletionTimestamp and stay
   * until their finalizers are removed.
   */
  async delete(scope: RequestScope, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const key = this.keyFor(scope.namespace, name);
    let current: KubeObject | null;
    try {
      current = await this.storage.get(key, {});
    } catch (err) {
      throw interpretStorageError(err, this.gr, name);
    }
    if (current === null) throw newNotFound(this.gr, name);
    this.checkPreconditions(name, current, opts.preconditions);
    const meta = metaOf(current);
    // kapi runs no garbage collector yet, so Orphan and Foreground add no
    // finalizer (nothing would ever remove it): dependents are left as they are.
    const finalizers = new Set(meta.finalizers ?? []);
    const decision = this.hooks.beginDelete?.(current, opts) ?? 'immediate';
    const pending = decision === 'pending' || finalizers.size > 0;
    if (!pending) {
      if (scope.dryRun) return { object: this.served(current), deleted: true };
      return this.finishDelete(scope, name, { ...opts.preconditions, uid: meta.uid });
    }
    if (scope.dryRun) return { object: this.served(current), deleted: false };
    // Graceful deletion: mark the object; it is removed when its finalizers are.
    try {
      const updated = await this.storage.guaranteedUpdate(key, false, { uid: meta.uid, ...opts.preconditions }, (cur) => {
        const obj = deepCopy(cur as KubeObject);
        const m = metaOf(obj);
        if (!m.deletionTimestamp) {
          m.deletionTimestamp = nowTimestamp();
          m.deletionGracePeriodSeconds = 0;
        }
        this.hooks.beginDelete?.(obj, opts);
        delete m.resourceVersion;
        return obj;
      });
      const out = this.served(updated);
      this.hooks.onPendingDelete?.(out);
      return { object: out, deleted: false };
    } catch (err) {
      throw interpretStorageError(err, this.gr, name);
    }
  }

  private checkPreconditions(name: string, current: KubeObject, pre?: Preconditions): void {
    if (!pre) return;
    const meta = metaOf(current);
    if (pre.uid && pre.uid !== meta.uid) {
      throw newConflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
      throw newConflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
    }
  }

  /** Deletes every object of the collection that matches; returns what was deleted or marked. */
  async deleteCollection(scope: RequestScope, req: ListRequest, opts: DeleteOptions = {}): Promise<KubeObject[]> {
    const listed = await this.list(scope, { ...req, limit: undefined, continue: undefined });
    const out: KubeObject[] = [];
    for (const item of listed.items) {
      const meta = metaOf(item);
      const itemScope = { ...scope, namespace: meta.namespace ?? scope.namespace };
      try {
        const res = await this.delete(itemScope, meta.name as string, opts);
        out.push(res.object);
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) continue;
        throw err;
      }
    }
    return out;
  }

  /** Number of stored objects of this resource. */
  async count(): Promise<number> {
    return this.storage.count(this.prefix);
  }
}

/** Thrown inside guaranteedUpdate to stop a dry-run before the write. */
const dryRunAbort = new Error('dry run');
