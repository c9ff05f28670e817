import { defineConfig } from 'vitest/config';

// End-to-end tests: the built app in Debian's Chromium, driven by playwright-core.
export default defineConfig({
	test: {
		include: ['tests/e2e/**/*.e2e.ts'],
		globalSetup: ['tests/e2e/global-setup.ts'],
		environment: 'node',
		testTimeout: 60000,
		hookTimeout: 60000,
		fileParallelism: false
	}
});
