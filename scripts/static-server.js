// Serves the built app (build/) with an SPA fallback, as any static host would.
// Only files listed when the server starts can be served, so no request path can reach outside
// the build folder; compressible files are sent gzip/brotli-encoded (compressed once, then kept).
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

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
const COMPRESSIBLE = new Set([
	'.html',
	'.js',
	'.mjs',
	'.css',
	'.json',
	'.webmanifest',
	'.svg',
	'.wasm',
	'.txt'
]);
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** @param {string} dir @returns {Promise<string[]>} */
async function listFiles(dir) {
	const entries = await readdir(dir, { withFileTypes: true, recursive: true });
	return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * The Content-Security-Policy of the built page's meta tag, or null when there is none.
 * @param {string} indexFile
 */
export async function pageCsp(indexFile) {
	const html = await readFile(indexFile, 'utf8').catch(() => '');
	const meta = /<meta http-equiv="content-security-policy" content="([^"]+)"/i.exec(html);
	return meta
		? meta[1]
				.replace(/&#39;/g, "'")
				.replace(/&quot;/g, '"')
				.replace(/&amp;/g, '&')
		: null;
}

/**
 * The request's path as a key of the file map, or null when it is not a well-formed path.
 * @param {string | undefined} url
 */
export function requestPath(url) {
	const raw = (url ?? '/').split('?')[0].split('#')[0];
	if (!raw.startsWith('/')) return null;
	let path;
	try {
		path = decodeURIComponent(raw);
	} catch {
		return null;
	}
	if (path.includes('\0')) return null;
	return path;
}

/** @param {string | string[] | undefined} header */
function pickEncoding(header) {
	const accept = String(header ?? '');
	if (/\bbr\b/.test(accept)) return 'br';
	if (/\bgzip\b/.test(accept)) return 'gzip';
	return null;
}

/**
 * @param {{ root?: string, port?: number, host?: string }} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer({ root = 'build', port = 0, host = '127.0.0.1' } = {}) {
	const base = resolve(root);
	/** @type {Map<string, string>} URL path → absolute file */
	const files = new Map();
	for (const abs of await listFiles(base)) {
		files.set('/' + relative(base, abs).split(sep).join('/'), abs);
	}
	/** @type {Map<string, Promise<Buffer>>} */
	const encoded = new Map();
	// The page carries its CSP in a meta tag; workers only get one from their response header, so
	// every response repeats the page's policy (untrusted code in workers runs under it too).
	const csp = await pageCsp(join(base, 'index.html'));

	/** @param {string} abs @param {'br' | 'gzip'} encoding */
	const compressed = (abs, encoding) => {
		const key = `${encoding}:${abs}`;
		let body = encoded.get(key);
		if (!body) {
			body = readFile(abs).then((raw) =>
				encoding === 'br'
					? brotli(raw, {
							params: {
								[constants.BROTLI_PARAM_QUALITY]: 5,
								[constants.BROTLI_PARAM_SIZE_HINT]: raw.length
							}
						})
					: gz(raw, { level: 6 })
			);
			encoded.set(key, body);
		}
		return body;
	};

	const server = createServer(async (req, res) => {
		try {
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				res.writeHead(405, { allow: 'GET, HEAD' }).end();
				return;
			}
			const path = requestPath(req.url);
			if (path === null) {
				res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Malformed path\n');
				return;
			}
			const key = path.endsWith('/') ? `${path}index.html` : path;
			let abs = files.get(key) ?? files.get(`${key}/index.html`);
			if (!abs) {
				// Asset-looking paths 404; anything else is a client-side route.
				if (extname(key) && extname(key) !== '.html') {
					res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
					return;
				}
				abs = join(base, 'index.html');
			}
			const ext = extname(abs);
			const immutable = key.startsWith('/_app/immutable/');
			/** @type {Record<string, string>} */
			const headers = {
				'content-type': TYPES[ext] ?? 'application/octet-stream',
				'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
				'x-content-type-options': 'nosniff'
			};
			if (csp) headers['content-security-policy'] = csp;
			const encoding = COMPRESSIBLE.has(ext) ? pickEncoding(req.headers['accept-encoding']) : null;
			if (COMPRESSIBLE.has(ext)) headers.vary = 'Accept-Encoding';
			let body;
			if (encoding) {
				body = await compressed(abs, encoding);
				headers['content-encoding'] = encoding;
			} else {
				body = await readFile(abs);
			}
			headers['content-length'] = String(body.length);
			res.writeHead(200, headers);
			res.end(req.method === 'HEAD' ? undefined : body);
		} catch (e) {
			console.error('static server:', e instanceof Error ? e.message : e);
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
			res.end('Internal error\n');
		}
	});
	await new Promise((ok) => server.listen(port, host, () => ok(undefined)));
	const address = server.address();
	const actual = typeof address === 'object' && address ? address.port : port;
	return {
		url: `http://${host}:${actual}`,
		port: actual,
		close: () =>
			new Promise((ok) => {
				server.closeAllConnections();
				server.close(() => ok(undefined));
			})
	};
}
