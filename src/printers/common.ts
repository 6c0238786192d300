/**
 * Cell helpers every printer uses: the object's name and its age.
 */
import type { KubeObject } from '../runtime/object.js';
import { field, str } from './access.js';
import { translateTimestampSince } from './duration.js';

/** metadata.name. */
export const nameOf = (o: KubeObject): string => str(o, 'metadata', 'name');

/** The AGE cell: time since metadata.creationTimestamp at now. */
export const ageOf = (o: KubeObject, now: Date): string => translateTimestampSince(field(o, 'metadata', 'creationTimestamp'), now);
