// The control plane's credentials: the admin's static token, the key pair ServiceAccount tokens are signed
// with, the CA of the apiserver's self-generated serving certificate, and kubeconfigs that use them.

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Admin credentials: a static bearer token for a system:masters user, in a --token-auth-file. */
export function writeAdminToken(dir: string): { adminToken: string; tokenFile: string } {
  const adminToken = randomBytes(32).toString("hex");
  const tokenFile = path.join(dir, "tokens.csv");
  writeFileSync(tokenFile, `${adminToken},admin,admin,"system:masters"\n`, { mode: 0o600 });
  return { adminToken, tokenFile };
}

/** ServiceAccount token signing key (private key and public key files). */
export function writeServiceAccountKeys(dir: string): { saKey: string; saPub: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const saKey = path.join(dir, "sa.key");
  const saPub = path.join(dir, "sa.pub");
  writeFileSync(saKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(saPub, publicKey.export({ type: "spki", format: "pem" }));
  return { saKey, saPub };
}

/** The PEM CA that signed the apiserver's serving certificate, if `certDir/apiserver.crt` holds one. */
export function servingCa(certDir: string): string | undefined {
  // The self-generated serving cert file holds the leaf then its CA.
  const blocks = pemBlocks(readFileSync(path.join(certDir, "apiserver.crt"), "utf8"));
  return blocks[blocks.length - 1];
}

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** A kubeconfig for `user`, authenticating with the bearer `token`. */
export function kubeconfigJson(server: string, caPem: string, user: string, token: string): string {
  const cluster = "control-plane";
  return (
    JSON.stringify(
      {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: cluster,
            cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") },
          },
        ],
        users: [{ name: user, user: { token } }],
        contexts: [{ name: user, context: { cluster, user } }],
        "current-context": user,
        preferences: {},
      },
      null,
      2,
    ) + "\n"
  );
}
