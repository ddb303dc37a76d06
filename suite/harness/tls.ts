/**
 * A self-signed certificate for 127.0.0.1, made once per harness process with Debian's openssl (an
 * EC P-256 key, valid one day), for the HTTP/2 checks. The files live in a temporary directory
 * removed when the harness exits.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Certificate {
  certFile: string;
  keyFile: string;
  /** The certificate itself, PEM: what the client trusts. */
  pem: string;
}

let made: Certificate | undefined;

export function selfSignedCertificate(): Certificate {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), "sse-compat-tls-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile],
    { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 },
  );
  made = { certFile, keyFile, pem: readFileSync(certFile, "utf8") };
  return made;
}
