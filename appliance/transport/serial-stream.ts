import { SerialPort, type SerialPortMock, type SerialPortOpenOptions } from 'serialport';
import { BaseByteStream } from './base-stream.js';
import { TransportError } from './errors.js';
import { formatTransportUrl, type SerialUrl } from './url.js';

type DetectedBinding = typeof SerialPort.binding;
/** The serialport binding to use; the platform's by default, `SerialPortMock.binding` in tests. */
export type SerialBinding = DetectedBinding | typeof SerialPortMock.binding;

/** An open serial port as a ByteStream. A disconnect (device gone, EIO) becomes the 'close' reason. */
export class SerialByteStream extends BaseByteStream {
  readonly #port: SerialPort;
  #failure: Error | undefined;

  constructor(port: SerialPort, description: string) {
    super(description);
    this.#port = port;
    port.on('data', (chunk: Buffer) => this.received(chunk));
    port.on('error', (err: Error) => {
      this.#failure ??= err;
    });
    // serialport passes a DisconnectedError when the device went away, null when we closed it.
    port.on('close', (err: Error | null | undefined) => this.ended(err ?? this.#failure));
    // A zero-byte read (EOF) ends the readable side without closing the port: finish the job.
    port.on('end', () => {
      this.#failure ??= new Error('end of file on the device');
      if (port.isOpen) port.close();
      else this.ended(this.#failure);
    });
    if (!port.isOpen) this.ended(new Error('port was already closed'));
  }

  protected writeBytes(bytes: Buffer): void {
    // Write failures also arrive as 'error' and a disconnect 'close'; the callback only keeps
    // them from being reported twice.
    this.#port.write(bytes, () => {});
  }

  protected closeUnderlying(): void {
    if (!this.#port.isOpen) {
      this.ended(undefined);
      return;
    }
    this.#port.close((err) => {
      if (err) this.ended(err);
    });
  }
}

export async function openSerialStream(url: SerialUrl, binding: SerialBinding | undefined): Promise<SerialByteStream> {
  const description = formatTransportUrl(url);
  const options = {
    path: url.path,
    baudRate: url.baudRate,
    dataBits: url.dataBits,
    parity: url.parity,
    stopBits: url.stopBits,
    rtscts: url.rtscts,
    autoOpen: false,
    ...(binding ? { binding } : {}),
  } as SerialPortOpenOptions<DetectedBinding>;
  let port: SerialPort;
  try {
    port = new SerialPort(options);
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new TransportError('serialOpenFailed', `cannot open ${description}: ${why}`, { cause: err });
  }
  return new SerialByteStream(port, description);
}
