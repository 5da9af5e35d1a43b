import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    adapter: adapter({ out: 'build' }),
    // Absolute asset paths: the service worker may answer any page with the cached shell.
    paths: { relative: false },
  },
};

export default config;
