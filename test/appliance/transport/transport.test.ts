import { once } from 'node:events';
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import t from 'tap';
import {
  formatTransportUrl,
  listenStream,
  openStream,
  parseTransportUrl,
  TransportError,
  type ByteStream,
  type StreamListener,
  type TransportUrl,
} from '../../../appliance/transport/index.js';
import { receive } from '../../helpers/streams.js';

/** The part of a tap test the helpers need. */
type HasTeardown = { teardown(fn: () => unknown): void };

async function listenLoopback(t: HasTeardown, host = '127.0.0.1'): Promise<StreamListener> {
  const listener = await listenStream(`tcp://${host.includes(':') ? `[${host}]` : host}:0`);
  t.teardown(() => listener.close());
  return listener;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test('parseTransportUrl accepts the documented forms', async (t) => {
  const serial = { kind: 'serial', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false } as const;
  const good: [string, TransportUrl][] = [
    ['tcp://127.0.0.1:8800', { kind: 'tcp', host: '127.0.0.1', port: 8800 }],
    ['tcp://pbx.example.com:1040', { kind: 'tcp', host: 'pbx.example.com', port: 1040 }],
    ['tcp://localhost:0', { kind: 'tcp', host: 'localhost', port: 0 }],
    ['tcp://[::1]:65535', { kind: 'tcp', host: '::1', port: 65535 }],
    ['tcp://[fe80::1:2]:1', { kind: 'tcp', host: 'fe80::1:2', port: 1 }],
    ['TCP://10.0.0.1:8800', { kind: 'tcp', host: '10.0.0.1', port: 8800 }],
    ['serial:/dev/ttyS0', { ...serial, path: '/dev/ttyS0' }],
    ['serial:/dev/ttyS0?baud=9600', { ...serial, path: '/dev/ttyS0' }],
    ['serial:///dev/ttyUSB1?baud=115200', { ...serial, path: '/dev/ttyUSB1', baudRate: 115200 }],
    [
      'serial:/dev/ttyS1?baud=19200&databits=7&parity=even&stopbits=2&rtscts=true',
      { ...serial, path: '/dev/ttyS1', baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 2, rtscts: true },
    ],
    ['serial:/dev/serial/by-id/usb-FTDI_A1-if00-port0?parity=odd', { ...serial, path: '/dev/serial/by-id/usb-FTDI_A1-if00-port0', parity: 'odd' }],
  ];
  for (const [text, expected] of good) {
    const parsed = parseTransportUrl(text);
    t.same(parsed, expected, text);
    t.same(parseTransportUrl(formatTransportUrl(parsed)), parsed, `${text} survives format and parse`);
  }
  t.equal(formatTransportUrl({ kind: 'tcp', host: '::1', port: 8800 }), 'tcp://[::1]:8800');
  t.equal(formatTransportUrl(parseTransportUrl('serial:/dev/ttyS0')), 'serial:/dev/ttyS0?baud=9600');
});

t.test('parseTransportUrl rejects bad URLs and says what is wrong', async (t) => {
  const bad: [string, RegExp][] = [
    ['', /no scheme/],
    ['127.0.0.1:8800', /unknown scheme '127.0.0.1'|no scheme/],
    ['udp://1.2.3.4:5', /unknown scheme 'udp'.*expected 'tcp:\/\/host:port'/],
    ['tcp:1.2.3.4:5', /expected 'tcp:\/\/host:port'/],
    ['tcp://1.2.3.4', /missing port/],
    ['tcp://1.2.3.4:', /missing port/],
    ['tcp://:8800', /missing host/],
    ['tcp://1.2.3.4:65536', /port '65536' is not a number from 0 to 65535/],
    ['tcp://1.2.3.4:-1', /port '-1'/],
    ['tcp://1.2.3.4:80a', /port '80a'/],
    ['tcp://999.1.1.1:80', /'999.1.1.1' is not an IPv4 address or host name/],
    ['tcp://bad_host:80', /'bad_host' is not an IPv4 address or host name/],
    ['tcp://[1.2.3.4]:80', /'1.2.3.4' is not an IPv6 address/],
    ['tcp://::1:80', /IPv6 address goes in brackets/],
    ['tcp://1.2.3.4:80/path', /unexpected '\/path' after the port/],
    ['tcp://1.2.3.4:80?x=1', /unexpected '\?x=1'/],
    ['serial:', /missing device path/],
    ['serial:?baud=9600', /missing device path/],
    ['serial:/dev/ttyS0?baud=fast', /baud 'fast' is not a whole number/],
    ['serial:/dev/ttyS0?baud=0', /baud '0'/],
    ['serial:/dev/ttyS0?databits=9', /databits '9' must be 5, 6, 7 or 8/],
    ['serial:/dev/ttyS0?parity=mark', /parity 'mark' must be none, even or odd/],
    ['serial:/dev/ttyS0?stopbits=1.5', /stopbits '1.5' must be 1 or 2/],
    ['serial:/dev/ttyS0?rtscts=yes', /rtscts 'yes' must be true or false/],
    ['serial:/dev/ttyS0?speed=9600', /unknown parameter 'speed'; serial URLs take baud, databits/],
    ['serial:/dev/ttyS0?baud=9600&baud=19200', /parameter 'baud' given twice/],
  ];
  for (const [text, message] of bad) {
    t.throws(() => parseTransportUrl(text), { name: 'TransportError', code: 'badUrl', message }, `rejects '${text}'`);
  }
  t.throws(() => parseTransportUrl(undefined as unknown as string), { code: 'badUrl', message: /got a undefined/ });
});

t.test('TCP: bytes flow both ways over loopback', async (t) => {
  const listener = await listenLoopback(t);
  t.match(listener.address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  t.not(listener.address, 'tcp://127.0.0.1:0', 'the listener reports the port it got');

  const accepted = once(listener, 'connection') as Promise<[ByteStream]>;
  const client = await openStream(listener.address);
  const [server] = await accepted;
  t.teardown(() => client.close());
  t.match(client.description, new RegExp(`^${listener.address.replaceAll('.', '\\.')} \\(local 127\\.0\\.0\\.1:\\d+\\)$`));
  t.match(server.description, /^tcp:\/\/127\.0\.0\.1:\d+ \(accepted on tcp:\/\/127\.0\.0\.1:\d+\)$/);
  t.ok(client.isOpen && server.isOpen);

  const upstream = Buffer.from([0x00, 0x00, 0x00, 0x0c, 0x30, 0x30, 0x30, 0x31, 0xff, 0x00, 0x80, 0x7f]);
  const atServer = receive(server, upstream.length);
  client.write(upstream);
  t.same(await atServer, upstream, 'client to server, binary intact');

  const downstream = Buffer.from('<SystemStatus/>', 'utf8');
  const atClient = receive(client, downstream.length);
  server.write(downstream);
  t.same(await atClient, downstream, 'server to client');
});

t.test('TCP: IPv6 loopback', async (t) => {
  const listener = await listenLoopback(t, '::1');
  t.match(listener.address, /^tcp:\/\/\[::1\]:\d+$/);
  const accepted = once(listener, 'connection') as Promise<[ByteStream]>;
  const client = await openStream(listener.address);
  t.teardown(() => client.close());
  const [server] = await accepted;
  const got = receive(server, 3);
  client.write(Buffer.from('abc'));
  t.equal((await got).toString(), 'abc');
});

t.test('TCP: one listener serves many clients, each gets its own replies', async (t) => {
  const listener = await listenLoopback(t);
  let accepted = 0;
  listener.on('connection', (stream) => {
    accepted++;
    stream.on('data', (chunk) => stream.write(Buffer.concat([Buffer.from('echo:'), chunk])));
  });
  const clients = await Promise.all(Array.from({ length: 25 }, () => openStream(listener.address)));
  t.teardown(() => Promise.all(clients.map((c) => c.close())));
  const replies = await Promise.all(
    clients.map((client, i) => {
      const name = `client-${String(i).padStart(2, '0')}`;
      const reply = receive(client, 5 + name.length);
      client.write(Buffer.from(name));
      return reply.then((bytes) => [name, bytes.toString()]);
    }),
  );
  for (const [name, reply] of replies) t.equal(reply, `echo:${name}`);
  t.equal(accepted, 25);
});

t.test('TCP: a refused connection fails with the address', async (t) => {
  const port = await freePort();
  await t.rejects(openStream(`tcp://127.0.0.1:${port}`), {
    name: 'TransportError',
    code: 'connectFailed',
    message: new RegExp(`cannot connect to tcp://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
  });
  await t.rejects(openStream({ kind: 'tcp', host: '127.0.0.1', port: 0 }), { code: 'badUrl', message: /only for listening/ });
  await t.rejects(openStream('tcp://127.0.0.1:1', { connectTimeoutMs: 0 }), RangeError);
});

/**
 * A listener whose accept queue is full and never drained: the kernel drops further SYNs, so a
 * connect to it hangs. The listening worker blocks its own event loop so it never accepts.
 */
async function startBlackHole(t: HasTeardown): Promise<number> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const net = require('node:net');
     const { parentPort, workerData } = require('node:worker_threads');
     const server = net.createServer().listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(workerData, 0, 0);
       server.close();
     });`,
    { eval: true, workerData: release },
  );
  const fillers: Socket[] = [];
  t.teardown(async () => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(release, 0, 1);
    Atomics.notify(release, 0);
    await worker.terminate();
  });
  const [port] = (await once(worker, 'message')) as [number];
  // backlog 1 lets the kernel complete two handshakes on its own; fill them.
  for (let i = 0; i < 2; i++) {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    fillers.push(socket);
    await once(socket, 'connect');
  }
  return port;
}

t.test('TCP: a peer that never answers times out', async (t) => {
  const port = await startBlackHole(t);
  const started = Date.now();
  await t.rejects(openStream(`tcp://127.0.0.1:${port}`, { connectTimeoutMs: 150 }), {
    name: 'TransportError',
    code: 'connectTimeout',
    message: `no answer from tcp://127.0.0.1:${port} within 150 ms`,
  });
  const elapsed = Date.now() - started;
  t.ok(elapsed >= 140 && elapsed < 1500, `gave up after ${elapsed} ms`);
});

t.test('TCP: close semantics', async (t) => {
  const listener = await listenLoopback(t);
  const accepted = once(listener, 'connection') as Promise<[ByteStream]>;
  const client = await openStream(listener.address);
  const [server] = await accepted;

  const clientReasons: (Error | undefined)[] = [];
  const serverReasons: (Error | undefined)[] = [];
  client.on('close', (reason) => clientReasons.push(reason));
  server.on('close', (reason) => serverReasons.push(reason));

  const lastWords = receive(server, 4);
  client.write(Buffer.from('bye!'));
  const first = client.close();
  t.equal(client.isOpen, false, 'closed as soon as close() is called');
  t.throws(() => client.write(Buffer.from('x')), { name: 'TransportError', code: 'closed' }, 'write after close throws');
  await Promise.all([first, client.close(), client.close()]);
  t.same(clientReasons, [undefined], "one 'close', no reason: we closed it");
  t.equal((await lastWords).toString(), 'bye!', 'bytes written before close() still arrive');

  if (serverReasons.length === 0) await once(server, 'close');
  t.equal(serverReasons.length, 1);
  t.match(serverReasons[0], { name: 'TransportError', code: 'closed', message: /closed by the peer/ });
  t.equal(server.isOpen, false);
  t.throws(() => server.write(Buffer.from('x')), { code: 'closed' });
  await server.close();
  t.equal(serverReasons.length, 1, 'close() after the peer closed emits nothing more');
});

t.test('TCP: a reset by the peer becomes the close reason, not an error event', async (t) => {
  const server = createServer((socket) => socket.once('data', () => socket.resetAndDestroy())).listen(0, '127.0.0.1');
  t.teardown(() => server.close());
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = await openStream(`tcp://127.0.0.1:${port}`);
  client.write(Buffer.from('hello?'));
  const [reason] = (await once(client, 'close')) as [Error | undefined];
  t.match(reason, { name: 'TransportError', code: 'closed', message: /ECONNRESET/, cause: { code: 'ECONNRESET' } });
  t.equal(client.listenerCount('error'), 0, 'nobody had to listen for errors');
});

t.test('TCP: closing the listener closes its live streams and stops accepting', async (t) => {
  const listener = await listenStream('tcp://127.0.0.1:0');
  const accepted: ByteStream[] = [];
  listener.on('connection', (s) => accepted.push(s));
  const clients = await Promise.all([openStream(listener.address), openStream(listener.address)]);
  while (accepted.length < 2) await once(listener, 'connection');
  const clientClosed = clients.map((c) => once(c, 'close') as Promise<[Error | undefined]>);
  await Promise.all([listener.close(), listener.close()]);
  t.ok(accepted.every((s) => !s.isOpen), 'accepted streams are closed');
  for (const closed of clientClosed) t.match((await closed)[0], { code: 'closed' }, 'clients see the link drop');
  await t.rejects(openStream(listener.address), { code: 'connectFailed' });
});

t.test('TCP: listening on a taken port fails clearly', async (t) => {
  const listener = await listenLoopback(t);
  await t.rejects(listenStream(listener.address), {
    name: 'TransportError',
    code: 'listenFailed',
    message: new RegExp(`cannot listen on ${listener.address.replaceAll('.', '\\.')}: .*EADDRINUSE`),
  });
});

t.test('TransportError carries its code', async (t) => {
  const err = new TransportError('closed', 'gone');
  t.ok(err instanceof Error);
  t.equal(err.code, 'closed');
  t.equal(err.name, 'TransportError');
});
