import staticAdapter from '@sveltejs/adapter-static';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

const kitOutDir = process.env.KIT_OUT_DIR ?? '.svelte-kit';

/**
 * adapter-static, after moving a service worker that the PWA plugin wrote beside the client
 * files (it does so when the kit outDir is not the default) into them.
 * @param {Parameters<typeof staticAdapter>[0]} options
 * @returns {import('@sveltejs/kit').Adapter}
 */
function adapter(options) {
	const inner = staticAdapter(options);
	return {
		...inner,
		async adapt(builder) {
			const output = `${kitOutDir}/output`;
			if (existsSync(`${output}/sw.js`))
				for (const f of readdirSync(output))
					if (f === 'sw.js' || /^workbox-.*\.js$/.test(f))
						renameSync(`${output}/${f}`, `${output}/client/${f}`);
			return inner.adapt(builder);
		}
	};
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		// BUILD_DIR / KIT_OUT_DIR let several builds run side by side (parallel test runs).
		adapter: adapter({
			pages: process.env.BUILD_DIR ?? 'build',
			assets: process.env.BUILD_DIR ?? 'build',
			fallback: 'index.html',
			strict: false
		}),
		outDir: kitOutDir,
		// Absolute asset paths: relative `./_app` paths 404 on deep links served by the service worker.
		paths: { relative: false },
		serviceWorker: { register: false },
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self', 'blob:'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self', 'http:', 'https:', 'ws:', 'wss:'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
