/*
 * Break: the sign-in limit keyed on the leftmost X-Forwarded-For entry, so rotating it gave fresh
 * attempts, and logs stored a forged address. Now the address comes from the socket (stamped by
 * our web server) or, behind TRUST_PROXY_HOPS proxies, from the entry our own proxy appended.
 */
import { describe, expect, it } from "vitest";
import {
  formatClientAddress,
  readClientAddress,
  SOCKET_ADDRESS_HEADER,
  socketAddressStamp,
  stampSocketAddress,
  throttleKeyOf,
} from "./client-address";

const stamped = (socket: string, extra: Record<string, string> = {}) =>
  new Headers({ [SOCKET_ADDRESS_HEADER]: socketAddressStamp(socket), ...extra });

describe("client address", () => {
  it("with TRUST_PROXY_HOPS=0 a rotating X-Forwarded-For changes nothing: one client, one key", () => {
    const keys = new Set(
      ["1.1.1.1", "2.2.2.2, 3.3.3.3", "10.0.0.1"].map((xff) =>
        throttleKeyOf(readClientAddress(stamped("203.0.113.50", { "x-forwarded-for": xff }), { trustProxyHops: 0 })),
      ),
    );
    expect([...keys]).toEqual(["203.0.113.50"]);
  });

  it("ignores a stamp the client forged, and removes it before stamping the real one", () => {
    const forged = new Headers({ [SOCKET_ADDRESS_HEADER]: "guess 6.6.6.6" });
    expect(readClientAddress(forged, { trustProxyHops: 0 })).toEqual({ address: null, socket: null });
    const request = {
      headers: { [SOCKET_ADDRESS_HEADER]: "guess 6.6.6.6" } as Record<string, string>,
      socket: { remoteAddress: "::ffff:192.0.2.4" },
    };
    stampSocketAddress(request as never);
    expect(readClientAddress(request.headers, { trustProxyHops: 0 })).toEqual({ address: "192.0.2.4", socket: "192.0.2.4" });
  });

  it("behind n proxies takes the n-th entry from the right and keeps the socket for the log", () => {
    const headers = stamped("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.9" });
    expect(readClientAddress(headers, { trustProxyHops: 1 }).address).toBe("10.0.0.9");
    const two = readClientAddress(headers, { trustProxyHops: 2 });
    expect(two).toEqual({ address: "198.51.100.7", socket: "10.0.0.2" });
    expect(formatClientAddress(two)).toBe("198.51.100.7 via 10.0.0.2");
    // Fewer entries than proxies: the request went around them, so the socket is the client.
    expect(readClientAddress(stamped("192.0.2.8", { "x-forwarded-for": "6.6.6.6" }), { trustProxyHops: 2 }).address).toBe("192.0.2.8");
  });
});
