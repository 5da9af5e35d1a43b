// A stock socket.io relay, the yardstick for cocrea's fan-out: it rebroadcasts each note to its
// room and acknowledges it, with no validation, no storage and no projection. Run as its own
// process (pinned like cocrea's server) by the bench: `node scripts/bench/relay.js`.
import http from 'node:http';
import { Server } from 'socket.io';

const server = http.createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
const ioServer = new Server(server, { transports: ['websocket'] });
ioServer.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    socket.data.room = String(room);
    socket.join(socket.data.room);
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('note', (note, ack) => {
    if (socket.data.room) ioServer.to(socket.data.room).emit('note', note);
    if (typeof ack === 'function') ack({ ok: true });
  });
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`relay listening on http://127.0.0.1:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    ioServer.close();
    process.exit(0);
  });
}
