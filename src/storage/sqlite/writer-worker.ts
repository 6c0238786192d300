/**
 * Entry point of the writer worker thread (see ThreadWriter). Owns the write
 * connection; handles one request at a time, in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LogApplier } from './apply.js';
import { openConnection } from './schema.js';
import type { WriterRequest, WriterResponse } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('writer-worker must run in a worker thread');

const db = openConnection((workerData as { path: string }).path);
const applier = new LogApplier(db);

function reply(msg: WriterResponse): void {
  port!.postMessage(msg);
}

port.on('message', (req: WriterRequest) => {
  try {
    switch (req.type) {
      case 'apply':
        reply({ type: 'result', id: req.id, value: applier.apply(req.ops, req.wantPrev) });
        return;
      case 'compactBegin':
        reply({ type: 'result', id: req.id, value: applier.compactBegin(req.revision) });
        return;
      case 'compactSweep':
        applier.compactSweep(req.from, req.to);
        reply({ type: 'result', id: req.id, value: null });
        return;
      case 'close':
        db.close();
        reply({ type: 'result', id: req.id, value: null });
        port!.close();
        return;
    }
  } catch (err) {
    reply({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) });
  }
});
reply({ type: 'ready' });
