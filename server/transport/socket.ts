import type { Server, Socket } from 'socket.io';
import { ERRORS, type ErrorCode } from '../../src/lib/domain/index';
import type { Ack } from '../../src/lib/protocol/ack';
import type { Welcome } from '../../src/lib/protocol/replica';
import type { Refusal, SessionData } from '../access/index';
import type { OpenSession } from '../access/sessions';
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
        // Free again once this session ends (a client may connect anew on the same transport).
        socket.once('disconnect', () => carrying.delete(socket.conn));
        next();
      },
      (error: unknown) => {
        carrying.delete(socket.conn);
        logRefused('a handshake', error);
        refuseHandshake('BAD_REQUEST');
      },
    );
  });

  io.on('connection', (socket) => {
    guarded(
      () => 'a connection',
      () => serve(services, socket),
      () => socket.disconnect(true),
    );
  });
}

/** One connection's events: hello and commands, each answered whatever it carries. */
function serve(services: SocketServices, socket: Socket): void {
  const session = socket.data.session as SessionData;
  const open: OpenSession = {
    data: session,
    end(gone) {
      if (gone) socket.emit('gone', gone);
      socket.disconnect(true);
    },
  };
  services.opened(open);

  // Whatever arguments come with an event, the ack is the last one (if it is a function).
  const on = (event: string, handle: (payload: unknown, ack: AckFn) => void) => {
    socket.on(event, (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      guarded(
        () => `a ${printable(event)} event`,
        () => handle(args.length > 1 ? args[0] : undefined, ack as AckFn),
        () => (ack as AckFn)(internalError()),
      );
    });
  };

  on('hello', (_payload, ack) => ack(services.hello(session)));

  on('cmd', (payload, ack) => {
    services.command(session, payload).then(
      (result) => ack(result),
      (error: unknown) => {
        console.error('command failed', error);
        ack(internalError());
      },
    );
  });

  // What the connection itself fails on (a packet it cannot decode) is an Error and is logged. A
  // client may also emit an event named 'error': its payload is plain JSON, and logging it
  // would let anyone write as many lines into the log as they like.
  socket.on('error', (error: unknown) => {
    if (error instanceof Error) logRefused('a socket.io packet', error);
  });

  socket.on('disconnect', () => {
    guarded(
      () => 'a disconnection',
      () => services.closed(open),
      () => {},
    );
  });
}
