// Serves the built app (build/) with an SPA fallback, as any static host would.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.wasm': 'application/wasm',
	'.txt': 'text/plain; charset=utf-8',
	'.bin': 'application/octet-stream'
};

/**
 * @param {{ root?: string, port?: number, host?: string }} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer({ root = 'build', port = 0, host = '127.0.0.1' } = {}) {
	const base = resolve(root);
	const server = createServer(async (req, res) => {
		try {
			const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
			let file = normalize(join(base, path));
			if (!file.startsWith(base)) {
				res.writeHead(403).end();
				return;
			}
			const info = await stat(file).catch(() => null);
			if (info?.isDirectory()) file = join(file, 'index.html');
			else if (!info) file = join(base, 'index.html');
			const body = await readFile(file);
			const immutable = file.includes(`${join('_app', 'immutable')}`);
			res.writeHead(200, {
				'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
				'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache'
			});
			res.end(body);
		} catch (e) {
			res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
		}
	});
	await new Promise((ok) => server.listen(port, host, () => ok(undefined)));
	const address = server.address();
	const actual = typeof address === 'object' && address ? address.port : port;
	return {
		url: `http://${host}:${actual}`,
		port: actual,
		close: () => new Promise((ok) => server.close(() => ok(undefined)))
	};
}
