// Builds the dashboard into web/dist, which the C++ build embeds into
// `suanli serve` (src/suanli/server/CMakeLists.txt). Served at /, so the
// default absolute base '/' is right. `npm run dev` proxies /v1 to a running
// server (SUANLI_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: process.env.SUANLI_WEB_OUT || 'dist',
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/v1': process.env.SUANLI_URL || 'http://127.0.0.1:8080' },
  },
});
