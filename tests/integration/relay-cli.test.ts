import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { loadOrCreateSecret } from '../../sync-server/src/auth/secret';
import { verifyToken } from '../../sync-server/src/auth/token';
import { runRelayCli } from '../../sync-server/src/cli';
import { relayScope } from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);

function capture() {
	const out = { stdout: '', stderr: '' };
	return {
		out,
		io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) }
	};
}

describe('promptloom relay (CLI)', () => {
	it('`relay token` prints only a token the relay accepts', async () => {
		const dataDir = await relays.dataDir();
		const { out, io } = capture();
		const code = await main(
			[
				'relay',
				'token',
				'--data',
				dataDir,
				'--workspace',
				'ws1',
				'--role',
				'viewer',
				'--user',
				'ana',
				'--ttl',
				'60'
			],
			io
		);
		expect(code).toBe(0);
		expect(out.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
		const check = await verifyToken(await loadOrCreateSecret(dataDir), out.stdout.trim());
		expect(check).toMatchObject({
			ok: true,
			claims: { workspace: 'ws1', role: 'viewer', user: 'ana' }
		});
	});

	it.each([
		[
			['relay', 'token', '--data', 'x', '--workspace', 'w', '--role', 'admin'],
			/--role must be one of/
		],
		[['relay', 'token', '--data', 'x', '--role', 'owner'], /--workspace is required/],
		[
			['relay', 'token', '--data', 'x', '--workspace', 'w', '--role', 'owner', '--ttl', 'soon'],
			/--ttl must be an integer/
		],
		[['relay', '--data', 'x'], /--port is required/],
		[['relay', '--port', '99999', '--data', 'x'], /--port must be an integer/],
		[['relay', '--port', '0', '--data', 'x', '--bogus'], /Unknown option/]
	])('exits 2 with usage for bad arguments: %j', async (argv, message) => {
		const { out, io } = capture();
		expect(await main(argv, io)).toBe(2);
		expect(out.stderr).toMatch(message);
		expect(out.stderr).toMatch(/Usage:/);
		expect(out.stdout).toBe('');
	});

	it('`relay --port 0 --data` listens, answers /healthz and stops on a signal', async () => {
		const dataDir = await relays.dataDir();
		const { out, io } = capture();
		let stop: (signal: string) => void = () => {};
		const stopped = new Promise<string>((resolve) => (stop = resolve));
		const running = runRelayCli(['--port', '0', '--data', dataDir], {
			...io,
			untilStopped: () => stopped
		});
		while (!/listening on (http:\/\/\S+)/.test(out.stdout))
			await new Promise((r) => setTimeout(r, 10));
		const url = /listening on (http:\/\/\S+)/.exec(out.stdout)![1];
		const res = await fetch(`${url}/healthz`);
		expect(await res.json()).toEqual({ ok: true, rooms: 0, connections: 0 });
		stop('SIGTERM');
		expect(await running).toBe(0);
		expect(out.stderr).toMatch(/SIGTERM, closing/);
		await expect(fetch(`${url}/healthz`)).rejects.toThrow();
	});
});
