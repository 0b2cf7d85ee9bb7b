// Starts the real `suanli serve` on 127.0.0.1 with a fresh SQLite log in a
// folder of its own, with tokens made by `suanli serve token create`, and
// stops it by its PID. Throws (so the test fails, never skips) when the
// binary is missing, does not start, or was built without the dashboard.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = new Set();
process.on('exit', () => {
  for (const child of started) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone already */ }
  }
});

export function suanliBin() {
  const bin = process.env.SUANLI_BIN || join(dirname(fileURLToPath(import.meta.url)), '../../../build/release/src/suanli/cli/suanli');
  if (!existsSync(bin)) throw new Error(`suanli binary not found at ${bin}: build it (cmake --build --preset release) or set SUANLI_BIN`);
  return bin;
}

// tokens: {name: {role, tenant?}} -> the started server's {url, tokens, stop()}.
export async function startServer(tokens) {
  const bin = suanliBin();
  const dir = mkdtempSync(join(tmpdir(), 'suanli-web-'));
  const db = `sqlite:${join(dir, 'x.db')}`;
  const made = {};
  for (const [name, { role, tenant }] of Object.entries(tokens)) {
    const args = ['serve', 'token', 'create', '--db', db, '--role', role];
    if (tenant) args.push('--tenant', tenant);
    const out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    const tok = out.split('\n').map((l) => l.trim()).find((l) => l.startsWith('sl_'));
    if (!tok) throw new Error(`suanli serve token create printed no token: ${out}`);
    made[name] = tok;
  }

  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', db], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`suanli serve did not say where it listens within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      buf += d;
      const first = buf.split('\n')[0];
      const m = /^suanli serve: listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(first);
      if (m) { clearTimeout(timer); resolve(m[1]); } else if (buf.includes('\n')) {
        clearTimeout(timer);
        reject(new Error(`unexpected first line from suanli serve: ${first}`));
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`suanli serve exited (${code ?? sig}) before listening; stderr: ${stderr}`)); });
  });
  child.stdout.resume();

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    started.delete(child);
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    const res = await fetch(`${url}/`);
    const type = res.headers.get('content-type') || '';
    if (!type.startsWith('text/html')) {
      throw new Error(`GET / answered ${res.status} ${type}: ${(await res.text()).slice(0, 200)} — the binary has no dashboard built in (scripts/build-web.sh, then cmake --preset release and rebuild)`);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  // The API as the test sees it, for the values the page must show.
  async function api(path, tok, { method = 'GET', body, lang = 'en' } = {}) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${tok}`, 'Accept-Language': lang, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  }

  return { url, tokens: made, pid: child.pid, stop, api };
}
