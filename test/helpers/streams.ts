/** Byte-stream helpers shared by the transport tests. */
import type { ByteStream } from '../../appliance/transport/index.js';

/** Resolves with everything the stream delivers until `length` bytes have arrived. */
export function receive(stream: ByteStream, length: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) {
        stream.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on('data', onData);
  });
}
