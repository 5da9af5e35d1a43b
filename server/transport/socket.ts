import type { Server, Socket } from 'socket.io';
import { ERRORS, type ErrorCode } from '../../src/lib/domain/index';
import type { Ack } from '../../src/lib/protocol/ack';
import type { Welcome } from '../../src/lib/protocol/replica';
import type { Refusal, SessionData } from '../access/index';
import type { OpenSession } from '../access/sessions';
import { log } from '../log';
import { internalError } from '../workshopRoom';
import { guarded, logRefused, printable } from './guard';

type AckFn = (ack: Ack<unknown>) => void;

/** What the socket.io side needs from the rest of the server: it only translates. */
export interface SocketServices {
  /** The limits' view of where a client connects from (behind trusted proxies). */
  addressOf(remoteAddress: string, forwardedFor: string | string[] | undefined): string;
  /** The handshake: a session, or why not. */
  admit(auth: unknown, address: string): Promise<SessionData | Refusal>;
  hello(session: SessionData): Ack<Welcome>;
  command(session: SessionData, payload: unknown): Promise<Ack<unknown>>;
  /** A console asks for a download (a single-use link). */
  export(session: SessionData, payload: unknown): Ack<unknown>;
  opened(session: OpenSession): void;
  closed(session: OpenSession): void;
}

/** The command side of the protocol: handshake, hello, commands with acks. */
export function registerSocketHandlers(io: Server, services: SocketServices): void {
  // The underlying connections that carry a session (or one on its way in). socket.io takes every
  // CONNECT packet that arrives before the first is done as a new session: one polling request
  // could open a thousand, each tracked and counted, past the cap on connections per address.
  const carrying = new WeakSet<object>();
  io.use((socket, next) => {
    const refuseHandshake = (code: ErrorCode, message: string = ERRORS[code]) => {
      const error = new Error(code) as Error & { data: unknown };
      error.data = { code, message };
      next(error);
    };
    if (carrying.has(socket.conn)) {
      return refuseHandshake('BAD_REQUEST', 'This connection already carries a session.');
    }
    // Taken at once: a second CONNECT on this transport while this one is checked is refused.
    carrying.add(socket.conn);
    const admitted = (async () => {
      const { address, headers, auth } = socket.handshake;
      return services.admit(auth, services.addressOf(address, headers['x-forwarded-for']));
    })();
    admitted.then(
      (session) => {
        if ('code' in session) {
          carrying.delete(socket.conn);
          return refuseHandshake(session.code, session.message);
        }
        socket.data.session = session;
        next();
      },
      (error: unknown) => {
        carrying.delete(socket.conn);
        logRefused('a handshake', error);
        refuseHandshake('BAD_REQUEST');
      },
    );
  });

  // One function of each kind for every connection (`this` is the socket): closures of its own
  // cost each session about a kilobyte, and a room holds hundreds.
  const listeners = sharedListeners(services, carrying);
  io.on('connection', (socket) => {
    guarded(
      () => 'a connection',
      () => serve(services, listeners, socket),
      () => socket.disconnect(true),
    );
  });
}

/** What each connection's session carries, next to the session itself. */
interface Held {
  session: SessionData;
  open: OpenSession;
}

function sharedListeners(services: SocketServices, carrying: WeakSet<object>) {
  /** Whatever arguments come with an event, the ack is the last one (if it is a function). */
  const acked = (
    event: string,
    handle: (socket: Socket, held: Held, payload: unknown, ack: AckFn) => void,
  ) =>
    function (this: Socket, ...args: unknown[]): void {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      const held = this.data as Held;
      guarded(
        () => `a ${printable(event)} event`,
        () => handle(this, held, args.length > 1 ? args[0] : undefined, ack as AckFn),
        () => (ack as AckFn)(internalError()),
      );
    };
  return {
    hello: acked('hello', (_socket, held, _payload, ack) => ack(services.hello(held.session))),
    export: acked('export', (_socket, held, payload, ack) =>
      ack(services.export(held.session, payload)),
    ),
    cmd: acked('cmd', (_socket, held, payload, ack) => {
      services.command(held.session, payload).then(
        (result) => ack(result),
        (error: unknown) => {
          log().error({ err: error }, 'a command failed');
          ack(internalError());
        },
      );
    }),
    // What the connection itself fails on (a packet it cannot decode) is an Error and is logged.
    // A client may also emit an event named 'error': its payload is plain JSON, and logging it
    // would let anyone write as many lines into the log as they like.
    error(this: Socket, error: unknown): void {
      if (error instanceof Error) logRefused('a socket.io packet', error);
    },
    disconnect(this: Socket): void {
      const held = this.data as Held;
      // Free again: a client may connect anew on the same transport.
      carrying.delete(this.conn);
      guarded(
        () => 'a disconnection',
        () => services.closed(held.open),
        () => {},
      );
    },
  };
}

/** One connection: its session is open, and its events go to the shared listeners. */
function serve(
  services: SocketServices,
  listeners: ReturnType<typeof sharedListeners>,
  socket: Socket,
): void {
  const held = socket.data as Held;
  held.open = {
    data: held.session,
    end(gone) {
      if (gone) socket.emit('gone', gone);
      socket.disconnect(true);
    },
  };
  services.opened(held.open);
  socket.on('hello', listeners.hello);
  socket.on('cmd', listeners.cmd);
  socket.on('export', listeners.export);
  socket.on('error', listeners.error);
  socket.on('disconnect', listeners.disconnect);
}
