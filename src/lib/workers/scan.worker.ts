/** @module Browser Web Worker entry of the security scanner: scans the library items it is sent. */
import { handleScanRequest, type ScanWorkerRequest } from '../core/security/scan/scan-worker';

const scope = self as unknown as {
	postMessage(msg: unknown): void;
	addEventListener(type: 'message', listener: (e: MessageEvent<ScanWorkerRequest>) => void): void;
};
scope.addEventListener('message', (e) => scope.postMessage(handleScanRequest(e.data)));
