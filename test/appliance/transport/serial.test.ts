import { once } from 'node:events';
import sinon from 'sinon';
import { SerialPortMock } from 'serialport';
import t from 'tap';
import { listenStream, openStream, type ByteStream } from '../../../appliance/transport/index.js';
import { startSocatPair } from '../../helpers/socat.js';
import { receive } from '../../helpers/streams.js';

const MockBinding = SerialPortMock.binding;
type MockOpenOptions = Parameters<typeof MockBinding.open>[0];


/** Lets every pending nextTick, promise and I/O callback run (setImmediate is never faked here). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The serialport mock binding, wrapped so a test can see each open attempt and pull the plug on an
 * open port: its reads then fail the way a vanished USB adapter's do.
 */
function unpluggableMockBinding() {
  const attempts: MockOpenOptions[] = [];
  const unpluggers: (() => void)[] = [];
  const binding: typeof MockBinding = {
    ...MockBinding,
    async open(options) {
      attempts.push(options);
      const port = await MockBinding.open(options);
      let unplug!: () => void;
      const unplugged = new Promise<never>((_resolve, reject) => {
        unplug = () => reject(new Error('EIO: device unplugged'));
      });
      unplugged.catch(() => {});
      const read = port.read.bind(port);
      port.read = (buffer, offset, length) => Promise.race([read(buffer, offset, length), unplugged]);
      unpluggers.push(unplug);
      return port;
    },
  };
  return { binding, attempts, unpluggers };
}

t.test('socat pair: bytes both ways at 9600 and 115200', async (t) => {
  for (const baud of [9600, 115200]) {
    const pair = await startSocatPair();
    const listener = await listenStream(`serial:${pair.b}?baud=${baud}`);
    const [served] = (await once(listener, 'connection')) as [ByteStream];
    const client = await openStream(`serial:${pair.a}?baud=${baud}`);
    t.teardown(async () => {
      await Promise.all([client.close(), listener.close()]);
      await pair.stop();
    });
    t.equal(client.description, `serial:${pair.a}?baud=${baud}`);
    t.equal(listener.address, `serial:${pair.b}?baud=${baud}`);

    const request = Buffer.from([0x00, 0x00, 0x00, 0x0e, 0x30, 0x30, 0x30, 0x31, 0x11, 0x13, 0x0d, 0x0a, 0xff, 0x00]);
    const atServer = receive(served, request.length);
    client.write(request);
    t.same(await atServer, request, `${baud}: client to simulator, control bytes intact`);

    const reply = Buffer.from('<MonitorStartResponse/>\r\n');
    const atClient = receive(client, reply.length);
    served.write(reply);
    t.same(await atClient, reply, `${baud}: simulator to client`);
  }
});

t.test('socat pair: 64 KiB arrive intact and in order', async (t) => {
  const pair = await startSocatPair();
  const a = await openStream(`serial:${pair.a}?baud=115200`);
  const b = await openStream(`serial:${pair.b}?baud=115200`);
  t.teardown(async () => {
    await Promise.all([a.close(), b.close()]);
    await pair.stop();
  });
  const payload = Buffer.alloc(64 * 1024, 0);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 251 + (i >> 8)) & 0xff;

  const atB = receive(b, payload.length);
  a.write(payload);
  const got = await atB;
  t.equal(got.length, payload.length);
  t.ok(got.equals(payload), 'every byte in order');

  const atA = receive(a, payload.length);
  for (let offset = 0; offset < payload.length; offset += 1000) b.write(payload.subarray(offset, offset + 1000));
  t.ok((await atA).equals(payload), 'many small writes the other way, in order');
});

// serialport 13 reads a hung-up pty as endless zero-byte reads, not as an error, so the loss
// shows on the next write (the CSTA link writes at least every supervision interval).
t.test('socat pair: the stream closes with a reason once the line is gone', async (t) => {
  const pair = await startSocatPair();
  const a = await openStream(`serial:${pair.a}`);
  t.teardown(() => a.close());
  const closed = once(a, 'close') as Promise<[Error | undefined]>;
  await pair.stop();
  if (a.isOpen) a.write(Buffer.from('anyone there?'));
  const [reason] = await closed;
  t.match(reason, { name: 'TransportError', code: 'closed', message: new RegExp(`^serial:${pair.a}\\?baud=9600: `) });
  t.equal(a.isOpen, false);
});

t.test('serial: a device that does not exist fails to open', async (t) => {
  await t.rejects(openStream('serial:/dev/ccbox-no-such-tty?baud=9600'), {
    name: 'TransportError',
    code: 'serialOpenFailed',
    message: /^cannot open serial:\/dev\/ccbox-no-such-tty\?baud=9600: /,
  });
  await t.rejects(listenStream('serial:/dev/ccbox-no-such-tty'), { code: 'serialOpenFailed' });
});

t.test('mock binding: URL settings reach the port, bytes flow, close rules hold', async (t) => {
  t.teardown(() => MockBinding.reset());
  MockBinding.createPort('/dev/ttyMOCK0', { echo: true });
  const { binding, attempts } = unpluggableMockBinding();
  const stream = await openStream('serial:/dev/ttyMOCK0?baud=19200&databits=7&parity=even&stopbits=2&rtscts=true', {
    binding,
  });
  t.match(attempts, [{ path: '/dev/ttyMOCK0', baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 2, rtscts: true }]);

  const echoed = receive(stream, 5);
  stream.write(Buffer.from('hello'));
  t.equal((await echoed).toString(), 'hello', 'the mock echoes what we wrote');

  const reasons: (Error | undefined)[] = [];
  stream.on('close', (reason) => reasons.push(reason));
  await Promise.all([stream.close(), stream.close()]);
  t.same(reasons, [undefined], "one 'close', no reason: we closed it");
  t.throws(() => stream.write(Buffer.from('x')), { name: 'TransportError', code: 'closed' });

  await t.rejects(openStream('serial:/dev/ttyMOCK9', { binding: MockBinding }), {
    code: 'serialOpenFailed',
    message: /cannot open serial:\/dev\/ttyMOCK9\?baud=9600: Port does not exist/,
  });
});

t.test('mock binding: the listener reopens a vanished line every second until it is back', async (t) => {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  t.teardown(() => clock.restore());
  t.teardown(() => MockBinding.reset());
  const PATH = '/dev/ttyMOCK1';
  MockBinding.createPort(PATH, { echo: true });
  const { binding, attempts, unpluggers } = unpluggableMockBinding();

  const listener = await listenStream(`serial:${PATH}`, { binding });
  const connections: ByteStream[] = [];
  const errors: Error[] = [];
  listener.on('connection', (stream) => connections.push(stream));
  listener.on('error', (err) => errors.push(err));
  await settle();
  t.equal(connections.length, 1, 'the open line is the one connection');
  const first = connections[0]!;
  const reasons: (Error | undefined)[] = [];
  first.on('close', (reason) => reasons.push(reason));

  MockBinding.reset(); // the device node is gone, so reopening fails for now
  unpluggers[0]!();
  await settle();
  t.match(reasons, [{ code: 'closed', message: /EIO: device unplugged/ }], 'the consumer sees the line drop');
  t.equal(first.isOpen, false);

  await clock.tickAsync(999);
  t.equal(attempts.length, 1, 'no reopen before a second has passed');
  await clock.tickAsync(1);
  await settle();
  t.equal(attempts.length, 2, 'first reopen attempt after one second');
  t.match(errors, [{ code: 'serialOpenFailed', message: /Port does not exist/ }], 'failed attempts are reported');
  await clock.tickAsync(1000);
  await settle();
  t.equal(attempts.length, 3);
  t.equal(connections.length, 1);

  MockBinding.createPort(PATH, { echo: true }); // plugged back in
  await clock.tickAsync(1000);
  await settle();
  t.equal(attempts.length, 4);
  t.equal(connections.length, 2, 'a new connection for the reopened line');
  const second = connections[1]!;
  const echoed = receive(second, 4);
  second.write(Buffer.from('ping'));
  t.equal((await echoed).toString(), 'ping', 'the reopened line carries bytes');

  await second.close(); // the simulator hanging up is a close too: the line is served again
  await clock.tickAsync(1000);
  await settle();
  t.equal(connections.length, 3, 'reopened after the consumer closed it');

  await Promise.all([listener.close(), listener.close()]);
  t.equal(connections[2]!.isOpen, false, 'closing the listener closes the line');
  await clock.tickAsync(5000);
  await settle();
  t.equal(attempts.length, 5, 'no reopen attempts after close()');
});
