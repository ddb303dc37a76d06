/**
 * A page on another origin: a plain HTTP server on 127.0.0.1 (another port is another origin) that
 * serves one HTML page, for the cross-origin browser check. Closed by the check's defer().
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface OtherOrigin {
  /** `http://127.0.0.1:<port>`: what the browser sends as Origin. */
  origin: string;
  close(): Promise<void>;
}

export async function serveOtherOrigin(html: string): Promise<OtherOrigin> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
