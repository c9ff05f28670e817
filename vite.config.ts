import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';
import { modelAssetsPlugin } from './scripts/copy-model-assets.js';

// Must match svelte.config.js: KIT_OUT_DIR lets parallel builds use separate folders.
const kitOutDir = process.env.KIT_OUT_DIR ?? '.svelte-kit';

export default defineConfig({
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
