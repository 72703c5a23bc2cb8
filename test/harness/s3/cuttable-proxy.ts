import net from "node:net";

/**
 * A TCP relay in front of a server, for fault tests that need the server's state afterwards:
 * cut() makes the server vanish for the client — open connections are reset, new ones refused —
 * while the server itself keeps running and can still be asked what it holds.
 */
export interface CuttableProxy {
  endpoint: string;
  /** Also how a test closes the proxy when it is done. */
  cut(): void;
}

export async function startCuttableProxy(upstream: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(upstream);
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const target = net.connect(Number(port), hostname);
    for (const [socket, peer] of [
      [client, target],
      [target, client],
    ] as const) {
      sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => {
        sockets.delete(socket);
        peer.destroy();
      });
    }
    client.pipe(target).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const { port: listening } = relay.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${listening}`,
    cut() {
      relay.close();
      // destroy(), not resetAndDestroy(): on Node 20 a reset socket's handle stayed behind, spinning.
      for (const socket of sockets) socket.destroy();
    },
  };
}
