/**
 * Debian's nginx as a reverse proxy on loopback, for the proxy checks: a configuration generated per
 * start in a fresh directory (nginx's defaults otherwise: `proxy_buffering on`, HTTP/1.0 upstream), one process
 * (`master_process off`) in a group of its own, guarded like every server until it is reaped.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guard, release } from "./process-guard.ts";
import { freePort, untilPortAccepts } from "./server-process.ts";
import { withTimeout } from "./wait.ts";

export const NGINX = "/usr/sbin/nginx";
const READY_MS = 5000;

export interface Nginx {
  port: number;
  /** What nginx printed (its error log goes to stderr). */
  readonly stderr: string;
  stop(): Promise<void>;
}

export function nginxConfig(dir: string, port: number, upstreamPort: number): string {
  return `daemon off;
master_process off;
worker_processes 1;
error_log stderr warn;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      # nginx's defaults, as a one-line proxy_pass gets them: HTTP/1.0 to the upstream, proxy_buffering on.
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
  }
}
`;
}

/** Starts nginx in front of `upstreamPort`; resolves once its port accepts connections. */
export async function startNginx(upstreamPort: number): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), "sse-compat-nginx-"));
  const port = await freePort();
  writeFileSync(join(dir, "nginx.conf"), nginxConfig(dir, port, upstreamPort));
  const child = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr"], { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  guard(child.pid);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", () => {});
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await withTimeout(exited, 5000, "nginx exit").catch(() => {});
    }
    release(child.pid);
    rmSync(dir, { recursive: true, force: true });
  };
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    await withTimeout(untilPortAccepts(port, () => gone), READY_MS, "nginx to accept connections");
    if (gone) throw new Error(`nginx exited at start: ${stderr.trim().slice(0, 500)}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, get stderr() { return stderr; }, stop };
}
