import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startStaticServer } from '../../scripts/static-server.js';

interface Reply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** A raw request, so the path reaches the server exactly as written (fetch would normalise it). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
	return new Promise((ok, fail) => {
		const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })
			);
		});
		req.on('error', fail);
		req.end();
	});
}

describe('static server', () => {
	let dir: string;
	let server: Awaited<ReturnType<typeof startStaticServer>>;
	const script = 'export const x = 1;\n'.repeat(200);
	const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'pl-static-'));
		await mkdir(join(dir, 'build', '_app', 'immutable'), { recursive: true });
		await mkdir(join(dir, 'build-private'));
		await writeFile(join(dir, 'build-private', 'secret.txt'), 'top secret');
		await writeFile(
			join(dir, 'build', 'index.html'),
			`<!doctype html><meta http-equiv="content-security-policy" content="${CSP}"><title>app</title>`
		);
		await writeFile(join(dir, 'build', '_app', 'immutable', 'app.abc123.js'), script);
		await writeFile(join(dir, 'build', 'sw.js'), script);
		server = await startStaticServer({ root: join(dir, 'build'), port: 0 });
	});
	afterAll(async () => {
		await server.close();
		await rm(dir, { recursive: true, force: true });
	});

	it('never serves a file from a sibling directory through an encoded traversal', async () => {
		for (const path of [
			'/..%2fbuild-private%2fsecret.txt',
			'/%2e%2e/build-private/secret.txt',
			'/..%5cbuild-private%5csecret.txt',
			'/_app/..%2f..%2fbuild-private%2fsecret.txt'
		]) {
			const reply = await get(server.port, path);
			expect(reply.body.toString()).not.toContain('top secret');
			expect(reply.status).toBe(404);
		}
	});

	it('answers 400 to a malformed percent-encoding instead of a raw URIError', async () => {
		const reply = await get(server.port, '/%E0%A4%A');
		expect(reply.status).toBe(400);
		expect(reply.body.toString()).toBe('Malformed path\n');
		expect(reply.body.toString()).not.toContain('URIError');
		const nul = await get(server.port, '/index.html%00.js');
		expect(nul.status).toBe(400);
	});

	it('falls back to index.html for client-side routes and 404s missing assets', async () => {
		const route = await get(server.port, '/prompts/abc/history');
		expect(route.status).toBe(200);
		expect(route.headers['content-type']).toContain('text/html');
		expect(route.body.toString()).toContain('<title>app</title>');
		expect((await get(server.port, '/_app/immutable/missing.js')).status).toBe(404);
	});

	it('marks hashed assets immutable and everything else no-cache', async () => {
		const hashed = await get(server.port, '/_app/immutable/app.abc123.js');
		expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
		const sw = await get(server.port, '/sw.js');
		expect(sw.headers['cache-control']).toBe('no-cache');
		expect((await get(server.port, '/')).headers['cache-control']).toBe('no-cache');
	});

	it("sends the page's Content-Security-Policy with every response, so workers run under it", async () => {
		for (const path of ['/', '/_app/immutable/app.abc123.js', '/sw.js'])
			expect((await get(server.port, path)).headers['content-security-policy']).toBe(CSP);
	});

	it('sends brotli or gzip when the client accepts it, identical once decoded', async () => {
		const path = '/_app/immutable/app.abc123.js';
		const br = await get(server.port, path, { 'accept-encoding': 'gzip, deflate, br' });
		expect(br.headers['content-encoding']).toBe('br');
		expect(br.headers.vary).toBe('Accept-Encoding');
		expect(br.body.length).toBeLessThan(script.length / 4);
		expect(brotliDecompressSync(br.body).toString()).toBe(script);
		const gz = await get(server.port, path, { 'accept-encoding': 'gzip' });
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gz.body).toString()).toBe(script);
		const plain = await get(server.port, path);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString()).toBe(script);
	});
});
