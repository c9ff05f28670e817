// A local-first SPA: everything renders in the browser from IndexedDB.
export const ssr = false;
export const prerender = false;
