// `npm start`: serves the built app and runs the local sync relay beside it.
import { startStaticServer } from './static-server.js';

const port = Number(process.env.PORT ?? 4173);
const app = await startStaticServer({ root: 'build', port, host: '127.0.0.1' });
console.log(`Promptloom app:   ${app.url}`);

let relay;
try {
	const { startRelay } = await import('../sync-server/src/index.ts');
	relay = await startRelay({
		port: Number(process.env.RELAY_PORT ?? 1234),
		host: '127.0.0.1',
		dataDir: process.env.RELAY_DATA ?? '.data/relay'
	});
	const http = relay.url.replace(/^ws/, 'http');
	// The app's Sync page takes the WebSocket URL; the REST API and health check are plain HTTP.
	console.log(`Promptloom relay: ${http.replace(/^http/, 'ws')}  (HTTP API: ${http})`);
} catch (e) {
	console.error(
		`The sync relay did not start (${e instanceof Error ? e.message : e}); the app works offline without it.`
	);
}

const stop = async () => {
	await Promise.allSettled([app.close(), relay?.close()]);
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
