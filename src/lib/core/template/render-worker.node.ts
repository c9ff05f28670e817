/** @module Node worker_threads entry of the renderer: renders each request it receives. */
import { parentPort } from 'node:worker_threads';
import { handleRenderMessage } from './render-handler';
import type { RenderWorkerRequest } from './renderer';

const port = parentPort;
if (!port) throw new Error('render-worker.node.ts must run in a worker thread');
port.on('message', (msg: RenderWorkerRequest) => port.postMessage(handleRenderMessage(msg)));
port.postMessage({ type: 'ready' });
