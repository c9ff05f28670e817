import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { modelAssetsPlugin } from './scripts/copy-model-assets.js';

// transformers.js imports onnxruntime-web's WebGPU bundle, which embeds a 27 MB WASM file in the
// build. The embed worker uses the CPU-only build instead, whose 14 MB runtime it loads from
// /wasm/ort/ (copied by scripts/copy-model-assets.js, cached on first use, never precached).
const ortWasmOnly = join(
	dirname(createRequire(import.meta.url).resolve('onnxruntime-web')),
	'ort.wasm.min.mjs'
);

// Must match svelte.config.js: KIT_OUT_DIR lets parallel builds use separate folders.
const kitOutDir = process.env.KIT_OUT_DIR ?? '.svelte-kit';

export default defineConfig({
	resolve: { alias: [{ find: /^onnxruntime-web\/webgpu$/, replacement: ortWasmOnly }] },
	// ES-module workers, so the embed worker loads transformers.js as a separate chunk on demand.
	worker: { format: 'es' },
	plugins: [
		// The embedding model and WASM runtimes are served from the app's own origin.
		modelAssetsPlugin(),
		sveltekit(),
		SvelteKitPWA({
			strategies: 'generateSW',
			// With a custom kit outDir the worker lands in output/; svelte.config.js moves it.
			...(kitOutDir !== '.svelte-kit' ? { outDir: `${kitOutDir}/output` } : {}),
			registerType: 'prompt',
			injectRegister: false,
			manifest: {
				name: 'Promptloom',
				short_name: 'Promptloom',
				description: 'Local-first prompt engineering workbench',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				background_color: '#0f172a',
				theme_color: '#4f46e5',
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
					{
						src: '/icons/icon-512-maskable.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				]
			},
			workbox: {
				globPatterns: [
					'client/**/*.{js,css,ico,png,svg,webp,woff,woff2,wasm,json,bin,webmanifest}'
				],
				// Only users who pick a transformers.js model need its runtime and model files.
				globIgnores: ['client/wasm/ort/**', 'client/models/!(use-lite)/**'],
				runtimeCaching: [
					{
						urlPattern: /\/wasm\/ort\/[^/]+\.(?:wasm|mjs)$/,
						handler: 'CacheFirst',
						options: {
							cacheName: 'onnxruntime-wasm',
							cacheableResponse: { statuses: [200] },
							expiration: { maxEntries: 4 }
						}
					}
				],
				navigateFallback: '/',
				maximumFileSizeToCacheInBytes: 64 * 1024 * 1024
			},
			kit: {
				adapterFallback: 'index.html',
				outDir: kitOutDir,
				spa: { fallbackMapping: '/' }
			}
		})
	],
	server: { port: 5173 },
	preview: { port: 4173 }
});
