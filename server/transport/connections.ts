/**
 * Open connections per client address: socket.io sessions (polling or WebSocket, before and after
 * their handshake) and replica WebSockets together. Nothing else bounds them: a session needs no
 * credentials, and without a cap one address could hold as many as it likes open, each costing
 * the server memory. A venue puts hundreds of phones (three connections each) behind one address:
 * the cap is far above that.
 */
export class ConnectionCounts {
  readonly #open = new Map<string, number>();

  constructor(readonly perAddress: number) {}

  /** Whether one more connection from this address may open. */
  allows(address: string): boolean {
    return (this.#open.get(address) ?? 0) < this.perAddress;
  }

  /** Count a connection from `address`; the function returned uncounts it (once, however often called). */
  hold(address: string): () => void {
    this.#open.set(address, (this.#open.get(address) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left > 0) this.#open.set(address, left);
      else this.#open.delete(address);
    };
  }

  /** Connections open from this address (tests). */
  count(address: string): number {
    return this.#open.get(address) ?? 0;
  }

  /** Addresses with a connection open (tests: nothing stays behind once they close). */
  get addresses(): number {
    return this.#open.size;
  }
}

/** Open connections one address may hold (socket.io and replicas together). */
export const CONNECTIONS_PER_ADDRESS = 4000;
