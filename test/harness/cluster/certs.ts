// The one certificate the real cluster needs besides the apiserver's self-signed serving certificate:
// the client certificate the apiserver shows the kubelet (pods/log, exec), from a CA the kubelet trusts.
// Made with openssl, since node can read certificates but not make them.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface KubeletClientCerts {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export async function makeKubeletClientCerts(dir: string): Promise<KubeletClientCerts> {
  const file = (name: string) => path.join(dir, name);
  const certs = {
    caFile: file("kubelet-ca.crt"),
    certFile: file("apiserver-kubelet-client.crt"),
    keyFile: file("apiserver-kubelet-client.key"),
  };
  const days = ["-days", "7"];
  await openssl(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file("kubelet-ca.key")],
    [...["-out", certs.caFile, "-subj", "/CN=rootfs-test-kubelet-ca", ...days]],
  );
  await openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", certs.keyFile, "-out", file("client.csr")],
    ["-subj", "/O=system:masters/CN=kube-apiserver-kubelet-client"],
  );
  await openssl(
    ["x509", "-req", "-in", file("client.csr"), "-CA", certs.caFile],
    [...["-CAkey", file("kubelet-ca.key"), "-CAcreateserial", "-out", certs.certFile, ...days]],
  );
  return certs;
}

async function openssl(args: string[], more: string[]): Promise<void> {
  try {
    await run("openssl", [...args, ...more]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}
