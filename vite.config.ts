import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { realtimePlugin } from './server/vitePlugin';

export default defineConfig({
  plugins: [sveltekit(), realtimePlugin()],
  environments: {
    client: {
      build: {
        // Old phones in the room: Safari 14 and Chrome 87 must run the participant page.
        target: ['es2020', 'safari14', 'chrome87'],
      },
    },
  },
});
